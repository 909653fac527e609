// A broker on the shared Redis chain killed mid-command records, when it starts again, its own unfinished command
// (`broker.recovered`) and not the one another broker is still running; the chain still verifies.
import t from 'tap';
import { spawn } from 'node:child_process';
import { cpSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectReader } from '@aws-guard/broker/audit/redis-audit-connection';
import { startRedis } from '../helpers/redis.js';
import { startBroker } from '../helpers/broker.js';
import { runGuard } from '../helpers/guard-cli.js';
import { agentEnv, shimBinDir } from '../helpers/shim.js';
import { FIXTURES } from '../helpers/paths.js';

const redisDir = await mkdtemp(join(tmpdir(), 'aws-guard-redis-'));
const redis = await startRedis({ dir: redisDir });
t.teardown(async () => {
  await redis.stop();
  await rm(redisDir, { recursive: true, force: true });
});
const { redis: client, close } = await connectReader(redis.url);
t.teardown(close);
const sleepy = join(FIXTURES, 'fake-aws', 'sleepy-aws');
const dataDir = t.testdir();
// The pids sleepy-aws prints are host pids only without bwrap's pid namespace.
const args = ['--redis', redis.url, '--isolation', 'none'];
const a = await startBroker({ awsCli: sleepy, dataDir: join(dataDir, 'a'), args });
cpSync(join(dataDir, 'a', 'keys'), join(dataDir, 'b', 'keys'), { recursive: true });
const b = await startBroker({ awsCli: sleepy, dataDir: join(dataDir, 'b'), args });
t.teardown(b.stop);
const leftovers: number[] = [];
t.teardown(() => {
  for (const pid of leftovers) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

type Rec = { seq: number; type: string; requestId?: string; data: { unfinished?: Array<{ requestId: string }>; count?: number } };
const records = async (): Promise<Rec[]> => (await client.xrange('aws-guard:audit', '-', '+')).map(([, fields]) => JSON.parse(fields[1]!) as Rec);

/** Starts a command that never ends through `url`; resolves once the CLI runs (it printed its pids). */
async function startSleepy(url: string, token: string, bucket: string) {
  const shim = spawn(join(await shimBinDir(), 'aws'), ['s3', 'ls', `s3://${bucket}`], { env: await agentEnv(url, token), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  await new Promise<void>((resolve, reject) => {
    shim.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      const cli = /pid (\d+)/.exec(out);
      const child = /child (\d+)/.exec(out);
      if (cli && child) {
        leftovers.push(Number(cli[1]), Number(child[1]));
        resolve();
      }
    });
    shim.once('exit', (code) => reject(new Error(`shim exited ${code} early: ${out}`)));
  });
  return shim;
}

t.test('the restarted broker reports its own unfinished command only', async (t) => {
  const onA = await startSleepy(a.url, await a.token({ agent: 'agent-a' }), 'left-by-a');
  const onB = await startSleepy(b.url, await b.token({ agent: 'agent-b' }), 'running-on-b');
  t.teardown(() => void onB.kill('SIGKILL'));
  const requested = (await records()).filter((r) => r.type === 'command.requested');
  const idOf = (bucket: string) => requested.find((r) => JSON.stringify(r).includes(bucket))?.requestId;
  const [fromA, fromB] = [idOf('left-by-a'), idOf('running-on-b')];
  t.ok(fromA !== undefined && fromB !== undefined, 'both requests are in the chain');

  process.kill(a.pid, 'SIGKILL');
  await a.exited;
  onA.kill('SIGKILL');
  const again = await startBroker({ awsCli: sleepy, dataDir: join(dataDir, 'a'), args });
  t.teardown(again.stop);
  const all = await records();
  const recovered = all.filter((r) => r.type === 'broker.recovered');
  t.equal(recovered.length, 1, 'one broker.recovered');
  t.match(recovered[0]!.data, { count: 1, unfinished: [{ requestId: fromA }] }, 'A\'s command, not B\'s');
  const started = all.filter((r) => r.type === 'broker.started');
  t.equal(started.at(-1)!.seq, recovered[0]!.seq + 1, 'recorded right before the restarted broker\'s broker.started');

  await again.stop();
  await b.stop();
  const pubkey = join(t.testdir(), 'audit.pub');
  await writeFile(pubkey, (await runGuard(['audit', 'pubkey', '--data-dir', join(dataDir, 'b')])).stdout);
  const verified = await runGuard(['audit', 'verify', '--redis', redis.url, '--pubkey', pubkey]);
  t.equal(verified.code, 0, verified.stderr);
});
