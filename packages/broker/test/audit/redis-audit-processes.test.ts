// Two processes (two brokers) appending at once to one Redis: one chain, seq 1..N without a gap or a fork,
// checkpoints from both, verified with the one public key of the data dir they share.
import t from 'tap';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { loadOrCreateAuditSigningKey } from '@aws-guard/broker/audit/audit-signing-key';
import { readRedisAuditLines } from '@aws-guard/broker/audit/redis-audit-lines';
import { redisAuditKeys } from '@aws-guard/broker/audit/redis-audit-scripts';
import { verifyAuditLines } from '@aws-guard/broker/audit/verify-audit-file';
import { startRedis } from '../../../../test/helpers/redis.js';
import { TS_LOADER_ARGS } from '../../../../test/helpers/ts-child.js';

const PER_PROCESS = 1000;
const EVERY = 100;

type Appender = Readonly<{ ready: Promise<void>; go: () => void; done: Promise<{ code: number | null; out: string; stderr: string }> }>;

function appender(url: string, keyPrefix: string, dataDir: string, name: string): Appender {
  const fixture = fileURLToPath(new URL('./fixtures/append-to-redis.ts', import.meta.url));
  const { NODE_OPTIONS: _tapHook, ...env } = process.env;
  const child = spawn(process.execPath, [...TS_LOADER_ARGS, fixture, url, keyPrefix, dataDir, name, String(PER_PROCESS), '64', String(EVERY)], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let stderr = '';
  let onReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => (onReady = resolve));
  child.stdout.setEncoding('utf8').on('data', (text: string) => {
    out += text;
    if (out.startsWith('ready\n')) onReady();
  });
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  const done = new Promise<{ code: number | null; out: string; stderr: string }>((resolve) => child.on('exit', (code) => {
    onReady();
    resolve({ code, out, stderr });
  }));
  return { ready, go: () => child.stdin.end('go\n'), done };
}

t.test('two processes appending hundreds of records each at once make one chain that verifies', async (t) => {
  const server = await startRedis();
  t.teardown(() => server.stop());
  const dataDir = t.testdir();
  const key = await loadOrCreateAuditSigningKey(dataDir);
  const keyPrefix = 'aws-guard-procs:';
  const processes = [appender(server.url, keyPrefix, dataDir, 'a'), appender(server.url, keyPrefix, dataDir, 'b')];
  await Promise.all(processes.map((p) => p.ready));
  for (const p of processes) p.go();
  const [a, b] = await Promise.all(processes.map((p) => p.done));
  t.equal(a!.code, 0, a!.stderr);
  t.equal(b!.code, 0, b!.stderr);
  t.equal(a!.out, `ready\nacked ${PER_PROCESS}\n`);
  t.equal(b!.out, `ready\nacked ${PER_PROCESS}\n`);

  const client = new Redis(server.url, { maxRetriesPerRequest: 0 });
  t.teardown(() => client.disconnect());
  const keys = redisAuditKeys(keyPrefix);
  const records: Array<{ seq: number; type: string; actor: { agent?: string } }> = [];
  for await (const line of readRedisAuditLines(client, keys)) records.push(JSON.parse(line) as (typeof records)[number]);
  t.same(records.map((r) => r.seq), records.map((_, i) => i + 1), 'seq 1..N, no gap, no fork');
  const requested = records.filter((r) => r.type === 'command.requested');
  t.equal(requested.length, 2 * PER_PROCESS, 'every acknowledged record is in the chain, once');
  const firstB = requested.findIndex((r) => r.actor.agent === 'b');
  const lastA = requested.findLastIndex((r) => r.actor.agent === 'a');
  t.ok(firstB !== -1 && firstB < lastA, 'the two processes\' records interleave: they really appended at once');

  const verdict = await verifyAuditLines({ where: 'stream', lines: readRedisAuditLines(client, keys), tornTail: () => null }, key.publicKey);
  t.match(verdict, { ok: true, count: records.length, unsigned: 0 });
  // Every EVERY records of the shared chain, whoever completed the count, plus each process's closing one.
  t.ok(verdict.ok && verdict.checkpoints >= (2 * PER_PROCESS) / EVERY, `checkpoints: ${verdict.ok ? verdict.checkpoints : 'none'}`);
});
