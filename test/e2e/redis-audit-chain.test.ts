// Two brokers on one Redis append their audit to one hash chain: agents on both run commands at once, and the
// stream is seq 1..N without a gap or a fork, which `aws-guard audit verify --redis` accepts; an edited entry fails.
import t from 'tap';
import { cpSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectReader } from '@aws-guard/broker/audit/redis-audit-connection';
import { startRedis } from '../helpers/redis.js';
import { startBroker } from '../helpers/broker.js';
import { runGuard } from '../helpers/guard-cli.js';
import { agentEnv, runAws } from '../helpers/shim.js';
import { FIXTURES } from '../helpers/paths.js';

const COMMANDS_PER_BROKER = 40;
const PARALLEL_PER_BROKER = 5;

// Persistent as the audit store should be run; its own directory (t.testdir() is one per file, recreated per call).
const redisDir = await mkdtemp(join(tmpdir(), 'aws-guard-redis-'));
const redis = await startRedis({ dir: redisDir });
t.teardown(async () => {
  await redis.stop();
  await rm(redisDir, { recursive: true, force: true });
});
const { redis: client, close } = await connectReader(redis.url);
t.teardown(close);
const fake = join(FIXTURES, 'fake-aws', 'sandbox-aws');
const dataDir = t.testdir();
// Brokers on one Redis share the data dir's keys/ (token and audit keys): one public key verifies the chain.
const a = await startBroker({ awsCli: fake, dataDir: join(dataDir, 'a'), args: ['--redis', redis.url] });
t.teardown(a.stop);
cpSync(join(dataDir, 'a', 'keys'), join(dataDir, 'b', 'keys'), { recursive: true });
const b = await startBroker({ awsCli: fake, dataDir: join(dataDir, 'b'), args: ['--redis', redis.url] });
t.teardown(b.stop);

type Rec = { seq: number; type: string; requestId?: string; actor: { agent?: string }; data: Record<string, unknown> };
const streamRecords = async (): Promise<Array<{ id: string; line: string; record: Rec }>> =>
  (await client.xrange('aws-guard:audit', '-', '+')).map(([id, fields]) => ({ id, line: fields[1]!, record: JSON.parse(fields[1]!) as Rec }));

/** `count` commands through one broker, `parallel` at a time. */
async function runMany(env: NodeJS.ProcessEnv, count: number, parallel: number): Promise<number[]> {
  const codes: number[] = [];
  let next = 0;
  const worker = async () => {
    while (next < count) {
      next++;
      codes.push((await runAws(['sts', 'get-caller-identity'], { env })).code ?? -1);
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  return codes;
}

const guard = (args: string[]) => runGuard(['audit', ...args]);

t.test('agents on both brokers at once: one gapless chain that verifies, with checkpoints', async (t) => {
  const envA = await agentEnv(a.url, await a.token({ agent: 'agent-a', human: 'alice' }));
  const envB = await agentEnv(b.url, await b.token({ agent: 'agent-b', human: 'bob' }));
  const [codesA, codesB] = await Promise.all([runMany(envA, COMMANDS_PER_BROKER, PARALLEL_PER_BROKER), runMany(envB, COMMANDS_PER_BROKER, PARALLEL_PER_BROKER)]);
  t.same([...codesA, ...codesB].filter((c) => c !== 0), [], 'every command ran');
  t.equal(await a.stop(), 0);
  t.equal(await b.stop(), 0);

  const entries = await streamRecords();
  t.ok(entries.length >= 4 * COMMANDS_PER_BROKER, `hundreds of records (${entries.length})`);
  t.same(entries.map((e) => e.record.seq), entries.map((_, i) => i + 1), 'seq 1..N, no gap, no fork');
  t.same(entries.map((e) => e.id), entries.map((_, i) => `0-${i + 1}`));
  const requested = entries.filter((e) => e.record.type === 'command.requested');
  t.equal(requested.filter((e) => e.record.actor.agent === 'agent-a').length, COMMANDS_PER_BROKER);
  t.equal(requested.filter((e) => e.record.actor.agent === 'agent-b').length, COMMANDS_PER_BROKER);
  t.equal(entries.filter((e) => e.record.type === 'broker.started').length, 2, 'both brokers wrote to the one chain');
  // Interleaved, not one broker's batch after the other's: the two really appended at the same time.
  const firstB = requested.findIndex((e) => e.record.actor.agent === 'agent-b');
  const lastA = requested.findLastIndex((e) => e.record.actor.agent === 'agent-a');
  t.ok(firstB < lastA, 'the brokers\' commands interleave in the chain');
  const checkpoints = entries.filter((e) => e.record.type === 'audit.checkpoint');
  t.ok(checkpoints.length >= 2, 'each broker closed with a checkpoint');
  t.equal(entries.at(-1)!.record.type, 'audit.checkpoint');

  const pubkey = join(t.testdir(), 'audit.pub');
  const printed = await guard(['pubkey', '--data-dir', join(dataDir, 'b')]);
  t.equal(printed.code, 0, printed.stderr);
  await writeFile(pubkey, printed.stdout);
  const verified = await guard(['verify', '--redis', redis.url, '--pubkey', pubkey, '--json']);
  t.equal(verified.code, 0, verified.stdout + verified.stderr);
  t.match(JSON.parse(verified.stdout), { ok: true, count: entries.length, lastSeq: entries.length, checkpoints: checkpoints.length, unsigned: 0 });
  const text = await guard(['verify', '--redis', redis.url, '--pubkey', pubkey]);
  t.match(text.stdout, new RegExp(`^audit log ${redis.url.replace(/[./]/g, '\\$&')} stream aws-guard:audit verified: ${entries.length} records`));

  // An attacker with Redis access rewrites the stream with one argv changed (entries cannot be edited in place).
  const victim = requested[7]!;
  const edited = victim.line.replace('get-caller-identity', 'get-session-token');
  t.not(edited, victim.line);
  await client.del('aws-guard:audit');
  for (const entry of entries) await client.xadd('aws-guard:audit', entry.id, 'r', entry.id === victim.id ? edited : entry.line);
  const tampered = await guard(['verify', '--redis', redis.url, '--pubkey', pubkey]);
  t.equal(tampered.code, 1);
  t.match(tampered.stderr, `does NOT verify at line ${victim.record.seq} (seq ${victim.record.seq}): AUDIT_HASH_MISMATCH`);

  const dropped = await client.xdel('aws-guard:audit', victim.id);
  t.equal(dropped, 1);
  const gap = await guard(['verify', '--redis', redis.url, '--pubkey', pubkey, '--json']);
  t.equal(gap.code, 1);
  t.match(JSON.parse(gap.stdout), { ok: false, issue: { code: 'AUDIT_SEQ_GAP', seq: victim.record.seq + 1 } });
});

t.test('an unreachable Redis is one line and exit 1 for the audit commands', async (t) => {
  const dead = await startRedis();
  await dead.kill();
  for (const args of [['verify'], ['tail'], ['export', '--format', 'jsonl']]) {
    const run = await guard([...args, '--redis', dead.url]);
    t.equal(run.code, 1, args.join(' '));
    t.match(run.stderr, new RegExp(`^aws-guard: cannot reach Redis at redis://127\\.0\\.0\\.1:${dead.port}: .*ECONNREFUSED.*\\n$`));
    t.notMatch(run.stderr, /at .*\.(m?js|ts):\d+/, 'no stack trace');
  }
});
