// Several brokers on one Redis are one system: an agent on broker A is approved by an approver on broker B.
// Redis down: every command fails closed with a clear error and /readyz says so; after a restart, it recovers.
// Their audit is the one chain in Redis, so Redis persists (AOF) as the audit store needs: a restart keeps it.
import t from 'tap';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRedis } from '../helpers/redis.js';
import { startBroker } from '../helpers/broker.js';
import { runGuard } from '../helpers/guard-cli.js';
import { agentEnv, runAws, shimBinDir } from '../helpers/shim.js';
import { FIXTURES } from '../helpers/paths.js';

// Not t.testdir(): a second call recreates that same directory, under the running Redis's feet.
const redisDir = await mkdtemp(join(tmpdir(), 'aws-guard-redis-'));
const redis = await startRedis({ dir: redisDir });
let redisNow = redis;
t.teardown(async () => {
  await redisNow.stop();
  await rm(redisDir, { recursive: true, force: true });
});
const fake = join(FIXTURES, 'fake-aws', 'sandbox-aws');
const dataDir = t.testdir();
// Both brokers sign with the same key (one data dir), as brokers behind one load balancer would.
const a = await startBroker({ awsCli: fake, dataDir: join(dataDir, 'a'), args: ['--redis', redis.url] });
t.teardown(a.stop);
const { cpSync } = await import('node:fs');
cpSync(join(dataDir, 'a', 'keys'), join(dataDir, 'b', 'keys'), { recursive: true });
const b = await startBroker({ awsCli: fake, dataDir: join(dataDir, 'b'), args: ['--redis', redis.url] });
t.teardown(b.stop);
const env = await agentEnv(a.url, await a.token({ agent: 'agent-a', human: 'alice' }));
const approverOnB = await b.token({ agent: 'carol-laptop', human: 'carol', role: 'approver' });

const guard = (args: string[]) => runGuard([...args, '--broker', b.url, '--token', approverOnB]);

t.test('an agent on broker A is approved on broker B, and A runs the command', async (t) => {
  const shim = spawn(join(await shimBinDir(), 'aws'), ['s3', 'rb', 's3://old-logs', '--force'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  shim.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  const exit = new Promise<number | null>((resolve) => shim.on('close', resolve));
  const id = await new Promise<string>((resolve) =>
    shim.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
      const m = /approval (apr_[\w-]+)/.exec(stderr);
      if (m) resolve(m[1]!);
    }),
  );
  const listed = await guard(['pending', '--json']);
  t.match(listed.stdout, id, 'broker B lists the request made on A');
  t.equal((await guard(['approve', id])).code, 0);
  t.equal(await exit, 0, stderr);
  t.match(JSON.parse(stdout), { argv: ['s3', 'rb', 's3://old-logs', '--force'] }, 'broker A ran it');
});

t.test('with Redis down every command fails closed; after a restart the brokers recover', async (t) => {
  await redis.kill();
  const down = await runAws(['sts', 'get-caller-identity'], { env });
  t.equal(down.code, 255);
  // The audit (token.accepted, on the connection) comes first and fails first: nothing runs without its record.
  t.match(down.stderr, /^aws-guard: the broker refused the connection: the broker cannot write its audit log, so it accepts no connection/);
  let ready = await fetch(`${a.url.replace('ws:', 'http:')}/readyz`);
  for (let i = 0; i < 50 && ready.status === 200; i++) {
    await new Promise((r) => setTimeout(r, 200));
    ready = await fetch(`${a.url.replace('ws:', 'http:')}/readyz`);
  }
  t.equal(ready.status, 503, '/readyz says not ready');

  redisNow = await startRedis({ port: redis.port, dir: redisDir });
  let up = await runAws(['sts', 'get-caller-identity'], { env });
  for (let i = 0; i < 50 && up.code !== 0; i++) {
    await new Promise((r) => setTimeout(r, 200));
    up = await runAws(['sts', 'get-caller-identity'], { env });
  }
  t.equal(up.code, 0, 'commands run again');
});
