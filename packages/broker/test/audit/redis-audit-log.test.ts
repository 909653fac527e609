import t, { type Test } from 'tap';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import type { AuditEvent } from '@aws-guard/shared/audit/audit-record';
import { GENESIS_HASH } from '@aws-guard/shared/audit/hash-chain';
import { AuditAppendError, AuditOpenError } from '@aws-guard/broker/audit/audit-errors';
import { loadOrCreateAuditSigningKey, type AuditSigningKey } from '@aws-guard/broker/audit/audit-signing-key';
import { createRedisAuditLog, type RedisAuditLogOptions } from '@aws-guard/broker/audit/redis-audit-log';
import { readLastRedisAuditLines, readRedisAuditLines } from '@aws-guard/broker/audit/redis-audit-lines';
import { defineAuditScripts, EMPTY_HEAD, redisAuditKeys } from '@aws-guard/broker/audit/redis-audit-scripts';
import { verifyAuditLines } from '@aws-guard/broker/audit/verify-audit-file';
import { startRedis } from '../../../../test/helpers/redis.js';

const server = await startRedis();
t.teardown(() => server.stop());

let prefixes = 0;
// Each test its own key space on the one server, as separate deployments would have.
const nextPrefix = () => `aws-guard-test-${process.pid}-${++prefixes}:`;

const requested = (n: number, who = 'a'): AuditEvent => ({
  type: 'command.requested', requestId: `req-${who}-${n}`, sessionId: 'sess-1',
  actor: { kind: 'agent', agent: 'claude', human: 'alice', role: 'agent' },
  data: { argv: ['s3', 'ls', `--n=${n}`] },
});

const inspect = (t: Test, url = server.url): Redis => {
  const client = new Redis(url, { maxRetriesPerRequest: 0 });
  client.on('error', () => undefined);
  t.teardown(() => client.disconnect());
  return client;
};

const keyOf = async (t: Test): Promise<AuditSigningKey> => loadOrCreateAuditSigningKey(t.testdir());

type Options = Partial<RedisAuditLogOptions> & { keyPrefix: string };
const open = async (t: Test, options: Options) => {
  const log = await createRedisAuditLog({ url: server.url, checkpoints: options.checkpoints, ...options });
  t.teardown(() => log.close().catch(() => undefined));
  return log;
};

const allLines = async (client: Redis, keyPrefix: string): Promise<string[]> => {
  const lines: string[] = [];
  for await (const line of readRedisAuditLines(client, redisAuditKeys(keyPrefix))) lines.push(line);
  return lines;
};

const verify = async (client: Redis, keyPrefix: string, key: AuditSigningKey | null) =>
  verifyAuditLines({ where: 'test stream', lines: readRedisAuditLines(client, redisAuditKeys(keyPrefix)), tornTail: () => null }, key?.publicKey ?? null);

const noTimer = () => () => {};

t.test('appends land as the stream entries 0-<seq>, each value the record line, and the chain verifies with its checkpoints', async (t) => {
  const keyPrefix = nextPrefix();
  const key = await keyOf(t);
  const log = await open(t, { keyPrefix, checkpoints: { signer: key.signer, everyRecords: 10, timer: noTimer } });
  t.equal(log.path, `${server.url} stream ${keyPrefix}audit`);
  const records = await Promise.all(Array.from({ length: 25 }, (_, i) => log.append(requested(i + 1))));
  t.same(records.map((r) => r.seq), [...Array.from({ length: 10 }, (_, i) => i + 1), ...Array.from({ length: 10 }, (_, i) => i + 12), 23, 24, 25, 26, 27],
    'a checkpoint takes seq 11 and 22 (every 10 records)');
  await log.close();
  const client = inspect(t);
  const entries = await client.xrange(`${keyPrefix}audit`, '-', '+');
  t.equal(entries.length, 28, '25 records, 2 checkpoints and the closing one');
  t.same(entries.map(([id]) => id), Array.from({ length: 28 }, (_, i) => `0-${i + 1}`));
  t.same(entries[0]![1], ['r', JSON.stringify(records[0]), 'b', ''], 'the value is the JSON line the embedded log writes (b: no broker id given)');
  const verdict = await verify(client, keyPrefix, key);
  t.match(verdict, { ok: true, count: 28, lastSeq: 28, checkpoints: 3, lastCheckpointSeq: 28, unsigned: 0 });
  t.match(await client.hgetall(`${keyPrefix}audit-head`), { seq: '28', since: '0' });
});

t.test('a broker whose head is stale rebuilds its batch on the new head: one chain, no fork', async (t) => {
  const keyPrefix = nextPrefix();
  const a = await open(t, { keyPrefix });
  const b = await open(t, { keyPrefix });
  const first = await a.append(requested(1, 'a'));
  t.same(b.head(), { seq: 0, hash: GENESIS_HASH }, 'B has not seen A\'s append');
  const second = await b.append(requested(1, 'b'));
  t.equal(second.seq, 2);
  t.equal(second.prevHash, first.hash, 'B\'s record follows A\'s');
  const third = await a.append(requested(2, 'a'));
  t.match(third, { seq: 3, prevHash: second.hash });
  const client = inspect(t);
  t.same((await allLines(client, keyPrefix)).map((l) => (JSON.parse(l) as { requestId: string }).requestId), ['req-a-1', 'req-b-1', 'req-a-2']);
  t.match(await verify(client, keyPrefix, null), { ok: true, count: 3 });
});

t.test('two logs appending hundreds of records at once make one gapless chain with checkpoints from both', async (t) => {
  const keyPrefix = nextPrefix();
  const key = await keyOf(t);
  const checkpoints = { signer: key.signer, everyRecords: 25, timer: noTimer };
  const a = await open(t, { keyPrefix, checkpoints });
  const b = await open(t, { keyPrefix, checkpoints });
  const appended = await Promise.all(Array.from({ length: 600 }, (_, i) => (i % 2 === 0 ? a : b).append(requested(i, i % 2 === 0 ? 'a' : 'b'))));
  const seqs = appended.map((r) => r.seq);
  t.equal(new Set(seqs).size, 600, 'every record has its own seq');
  await Promise.all([a.close(), b.close()]);
  const client = inspect(t);
  const lines = await allLines(client, keyPrefix);
  const records = lines.map((l) => JSON.parse(l) as { seq: number; type: string; data: { keyId?: string } });
  t.same(records.map((r) => r.seq), Array.from({ length: records.length }, (_, i) => i + 1), 'seq 1..N without gaps');
  const verdict = await verify(client, keyPrefix, key);
  t.match(verdict, { ok: true, count: records.length, unsigned: 0 });
  t.ok(verdict.ok && verdict.checkpoints >= 600 / 25, `checkpoints every 25 records of the shared chain (${verdict.ok ? verdict.checkpoints : 0})`);
  const writers = new Set(records.filter((r) => r.type === 'command.requested').map((r) => (r as unknown as { requestId: string }).requestId.slice(4, 5)));
  t.same([...writers].sort(), ['a', 'b']);
});

t.test('a checkpoint due on the shared count is written by whichever broker completes it', async (t) => {
  const keyPrefix = nextPrefix();
  const key = await keyOf(t);
  const checkpoints = { signer: key.signer, everyRecords: 3, timer: noTimer };
  const a = await open(t, { keyPrefix, checkpoints });
  const b = await open(t, { keyPrefix, checkpoints });
  await a.append(requested(1, 'a'));
  await a.append(requested(2, 'a'));
  const third = await b.append(requested(1, 'b'));
  t.equal(third.seq, 3);
  const client = inspect(t);
  const last = await readLastRedisAuditLines(client, redisAuditKeys(keyPrefix), 1);
  t.match(JSON.parse(last.lines[0]!), { seq: 4, type: 'audit.checkpoint', data: { seq: 3, hash: third.hash } }, 'B signed after the third record of the chain');
  t.equal(last.lastId, '0-4');
  t.same(await b.checkpoint(), null, 'nothing left to sign');
});

t.test('an append is rejected when Redis cannot take it; the log never skips', async (t) => {
  const own = await startRedis();
  t.teardown(() => own.stop());
  const keyPrefix = nextPrefix();
  const log = await createRedisAuditLog({ url: own.url, keyPrefix, timeoutMs: 500 });
  t.teardown(() => log.close().catch(() => undefined));
  await log.append(requested(1));
  await own.kill();
  const started = Date.now();
  const error = await log.append(requested(2)).then(() => null, (e: unknown) => e);
  t.ok(error instanceof AuditAppendError, 'rejected with AuditAppendError');
  t.equal((error as AuditAppendError).code, 'AUDIT_WRITE_FAILED');
  t.match((error as Error).message, /appending to redis:\/\/127\.0\.0\.1:\d+ stream .*audit failed/);
  t.ok(Date.now() - started < 5000, 'within a bound, not an endless wait');
  t.same(log.head().seq, 1, 'the head stays at the last acknowledged record');
});

t.test('a Redis that lost the stream (restart without persistence) is refused, not restarted from seq 1', async (t) => {
  const keyPrefix = nextPrefix();
  const log = await open(t, { keyPrefix });
  await log.append(requested(1));
  await log.append(requested(2));
  const client = inspect(t);
  await client.del(`${keyPrefix}audit`, `${keyPrefix}audit-head`);
  await t.rejects(log.append(requested(3)), { code: 'AUDIT_LOG_DIVERGED', message: /head is seq 0, behind seq 2/ });
});

t.test('a stream whose head hash was deleted is neither opened nor extended', async (t) => {
  const keyPrefix = nextPrefix();
  const log = await open(t, { keyPrefix });
  await log.append(requested(1));
  const client = inspect(t);
  await client.del(`${keyPrefix}audit-head`);
  await t.rejects(log.append(requested(2)), { code: 'AUDIT_LOG_DIVERGED', message: /head hash is gone/ });
  const error = await createRedisAuditLog({ url: server.url, keyPrefix }).then(() => null, (e: unknown) => e);
  t.ok(error instanceof AuditOpenError, 'a new broker refuses to start on it');
  t.match((error as Error).message, /head hash is gone/);
});

t.test('a Redis without appendonly gets a start-up warning; with it, none', async (t) => {
  const warnings: string[] = [];
  const warn = (message: string) => void warnings.push(message);
  await open(t, { keyPrefix: nextPrefix(), warn });
  t.equal(warnings.length, 1);
  t.match(warnings[0], /appendonly no: audit records acknowledged by Redis are lost if it crashes/);
  // Its own server, persisting in its own directory (CONFIG SET appendonly on the shared one would write to cwd).
  const dir = await mkdtemp(join(tmpdir(), 'aws-guard-redis-'));
  const persistent = await startRedis({ dir });
  t.teardown(async () => {
    await persistent.stop();
    await rm(dir, { recursive: true, force: true });
  });
  const log = await createRedisAuditLog({ url: persistent.url, keyPrefix: nextPrefix(), warn });
  await log.close();
  t.equal(warnings.length, 1, 'no second warning');
});

t.test('a Redis that is down at start-up stops the broker from opening the log', async (t) => {
  const own = await startRedis();
  await own.kill();
  await t.rejects(createRedisAuditLog({ url: own.url, keyPrefix: nextPrefix(), timeoutMs: 300 }), { name: 'AuditOpenError', code: 'AUDIT_OPEN_FAILED', message: /cannot reach Redis at redis:\/\/127\.0\.0\.1:\d+ to read the audit head/ });
});

t.test('a turn claimed by a broker that died is waited out, and a turn never freed fails the append within a bound', async (t) => {
  const keyPrefix = nextPrefix();
  const log = await open(t, { keyPrefix });
  await log.append(requested(1));
  const client = inspect(t);
  const [seconds, micros] = await client.time();
  const nowMs = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
  await client.hset(`${keyPrefix}audit-head`, 'claim', 'a-broker-that-died', 'claimUntil', String(nowMs + 300));
  const started = Date.now();
  t.match(await log.append(requested(2)), { seq: 2 }, 'appended once the claim expired');
  t.ok(Date.now() - started >= 200, 'after waiting for the claim');
  await client.hset(`${keyPrefix}audit-head`, 'claim', 'a-broker-that-died', 'claimUntil', String(nowMs + 600_000));
  await t.rejects(log.append(requested(3)), { code: 'AUDIT_HEAD_CONTENDED', message: /another broker held the turn to append for too long/ });
  t.ok(Date.now() - started < 6000, 'within a bound');
});

t.test('the script gives the next turn to the writer that lost a race, so a writer that keeps winning cannot starve it', async (t) => {
  const keyPrefix = nextPrefix();
  const client = inspect(t);
  const scripts = defineAuditScripts(client, redisAuditKeys(keyPrefix));
  const line = (seq: number) => JSON.stringify({ seq });
  const headAt = (seq: number, hash: string) => ({ ...EMPTY_HEAD, seq, hash });
  const h1 = 'a'.repeat(64);
  const h2 = 'b'.repeat(64);
  const h3 = 'c'.repeat(64);
  t.same(await scripts.append(EMPTY_HEAD, headAt(1, h1), 'winner', 'broker-x', [line(1)]), { appended: true });
  // The loser built on the empty chain: refused, told the head, and holds the next turn.
  t.match(await scripts.append(EMPTY_HEAD, headAt(1, h2), 'loser', 'broker-x', [line(1)]), { appended: false, head: { seq: 1, hash: h1 } });
  t.match(await scripts.append(headAt(1, h1), headAt(2, h2), 'winner', 'broker-x', [line(2)]), { appended: false, head: { seq: 1, hash: h1 } },
    'the winner, on the right head, waits for the loser\'s turn');
  t.same(await scripts.append(headAt(1, h1), headAt(2, h2), 'loser', 'broker-x', [line(2)]), { appended: true }, 'the loser appends on the head it was told');
  t.same(await scripts.append(headAt(2, h2), headAt(3, h3), 'winner', 'broker-x', [line(3)]), { appended: true }, 'the turn was used up');
  // A writer that lost but then had nothing to write gives its turn back.
  t.match(await scripts.append(headAt(1, h1), headAt(2, h2), 'idle', 'broker-x', [line(2)]), { appended: false });
  await scripts.release('idle');
  t.same(await client.hmget(`${keyPrefix}audit-head`, 'claim', 'claimUntil'), [null, null]);
  t.same((await client.xrange(`${keyPrefix}audit`, '-', '+')).map(([id]) => id), ['0-1', '0-2', '0-3']);
});

t.test('a restarted broker records its own unfinished commands, not those of the brokers still running', async (t) => {
  const keyPrefix = nextPrefix();
  const brokerA = { id: randomUUID(), fresh: false };
  const brokerB = { id: randomUUID(), fresh: false };
  const started = { type: 'broker.started', actor: { kind: 'broker' }, data: {} } as const;
  const executed = (requestId: string): AuditEvent => ({ type: 'command.executed', requestId, actor: { kind: 'agent' }, data: { exitCode: 0 } });
  const a = await open(t, { keyPrefix, broker: { ...brokerA, fresh: true } });
  t.equal(a.recovered, null, 'a fresh broker has nothing to recover');
  const b = await open(t, { keyPrefix, broker: brokerB });
  t.equal(b.recovered, null, 'nothing of B in the stream yet');
  const startedA = await a.append(started);
  await b.append(started);
  await a.append(requested(1, 'a'));
  await b.append(requested(1, 'b'));
  const left = await a.append(requested(2, 'a'));
  await a.append(executed('req-a-1'));
  // A crashes (its connection goes, no close); B runs on, its own command still open.
  await a.close();
  await b.append(requested(2, 'b'));
  const again = await open(t, { keyPrefix, broker: brokerA });
  t.match(again.recovered, {
    type: 'broker.recovered', seq: b.head().seq + 1,
    data: { count: 1, omitted: 0, previousStart: startedA.seq, scannedAfter: startedA.seq, unfinished: [{ requestId: 'req-a-2', seq: left.seq, argv: ['s3', 'ls', '--n=2'] }] },
  });
  const thrice = await open(t, { keyPrefix, broker: brokerA });
  t.equal(thrice.recovered, null, 'reported once: the scan stops at that broker.recovered');
  const client = inspect(t);
  const entries = await client.xrange(`${keyPrefix}audit`, '-', '+');
  const byBroker = (requestId: string) => entries.find(([, fields]) => fields[1]!.includes(`"requestId":"${requestId}"`))?.[1][3];
  t.equal(byBroker('req-a-2'), brokerA.id, 'each entry names the broker that appended it');
  t.equal(byBroker('req-b-2'), brokerB.id);
});
