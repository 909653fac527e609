// `audit tail|export --redis`: the same records in the shared stream read exactly as they do from a file.
import t from 'tap';
import type { AuditEvent } from '@aws-guard/shared/audit/audit-record';
import { createRedisAuditLog } from '@aws-guard/broker/audit/redis-audit-log';
import { connectReader } from '@aws-guard/broker/audit/redis-audit-connection';
import { loadOrCreateAuditSigningKey } from '@aws-guard/broker/audit/audit-signing-key';
import { runAuditExport, runFilteredTail, type AuditExportOptions, type AuditTailOptions } from '../src/commands/audit-export-run.js';
import { runAuditVerify } from '../src/commands/audit-verify-run.js';
import { INTERRUPTED_EXIT } from '../src/commands/command-context.js';
import { BASE, captureIo, dataDirWith, EVENTS } from './audit-export-log.fixture.js';
import { startRedis } from '../../../test/helpers/redis.js';

const server = await startRedis();
t.teardown(() => server.stop());
const now = () => new Date(BASE + 12 * 60_000);

/** The fixture's events in the default stream of a fresh Redis, with the fixture's clock: the same records. */
async function redisWith(events: readonly AuditEvent[], url = server.url) {
  let at = BASE;
  const log = await createRedisAuditLog({ url, clock: () => new Date(at) });
  const append = async (event: AuditEvent) => {
    at = BASE + (log.head().seq + 1) * 60_000;
    return log.append(event);
  };
  for (const event of events) await append(event);
  return { log, append };
}

const { dir } = await dataDirWith(t);
const filled = await redisWith(EVENTS);
t.teardown(() => filled.log.close());

t.test('tail --redis prints what tail of the file prints, for every filter', async (t) => {
  const cases: readonly AuditTailOptions[] = [
    {}, { lines: '4' }, { agent: 'codex' }, { json: true, decision: 'allow' }, { type: 'command.*', lines: '100' },
    { session: 's1', json: true }, { since: '2026-11-26T12:05:00Z', lines: '3' },
  ];
  for (const opts of cases) {
    const file = captureIo();
    const redis = captureIo();
    const fileCode = await runFilteredTail({ ...opts, dataDir: dir }, file.io, { now });
    const redisCode = await runFilteredTail({ ...opts, redis: server.url }, redis.io, { now });
    t.equal(redisCode, fileCode, `exit code for ${JSON.stringify(opts)}`);
    t.ok(file.lines().length > 0, `the case ${JSON.stringify(opts)} shows something`);
    t.same(redis.lines(), file.lines(), JSON.stringify(opts));
  }
});

t.test('export --redis writes what export of the file writes, jsonl and ocsf, filtered', async (t) => {
  const cases: readonly AuditExportOptions[] = [
    { format: 'jsonl' }, { format: 'ocsf' }, { format: 'jsonl', decision: 'approve' }, { format: 'ocsf', agent: 'claude', type: 'command.*' },
  ];
  for (const opts of cases) {
    const file = captureIo();
    const redis = captureIo();
    t.equal(await runAuditExport({ ...opts, dataDir: dir }, file.io, { now }), 0);
    t.equal(await runAuditExport({ ...opts, redis: server.url }, redis.io, { now }), 0);
    t.ok(file.lines().length > 0);
    t.same(redis.lines(), file.lines(), JSON.stringify(opts));
  }
});

t.test('AWS_GUARD_REDIS selects the stream as --redis does', async (t) => {
  const run = captureIo({ AWS_GUARD_REDIS: server.url });
  t.equal(await runAuditExport({ format: 'jsonl' }, run.io, { now }), 0);
  t.equal(run.lines().length, EVENTS.length);
});

t.test('tail -f --redis shows records as brokers append them, filtered, and stops when aborted', async (t) => {
  const own = await startRedis();
  t.teardown(() => own.stop());
  const { log, append } = await redisWith(EVENTS.slice(0, 4), own.url);
  t.teardown(() => log.close());
  const run = captureIo();
  const controller = new AbortController();
  const done = runFilteredTail({ redis: own.url, lines: '1', follow: true, session: 's1' }, run.io, { now, signal: controller.signal, pollMs: 50 });
  const until = async (n: number) => {
    for (let i = 0; i < 200 && run.lines().length < n; i++) await new Promise((r) => setTimeout(r, 20));
    if (run.lines().length < n) throw new Error(`expected ${n} lines, got ${run.lines().join('\n')}`);
  };
  await until(1);
  t.match(run.lines()[0], /#4 .*command\.executed .*aws s3api list-buckets {2}allow {2}exit 0$/);
  for (const event of EVENTS.slice(4, 8)) await append(event);
  await until(3);
  await new Promise((r) => setTimeout(r, 200));
  controller.abort();
  t.equal(await done, INTERRUPTED_EXIT, 'interrupted: 130');
  t.equal(run.lines().length, 3, 'the s2 records were filtered out while following');
  t.match(run.lines()[1], /#5 /);
  t.match(run.lines()[2], /#6 /);
});

t.test('an unreachable Redis is one line and exit 1, for every command', async (t) => {
  const dead = await startRedis();
  await dead.kill();
  const message = new RegExp(`^cannot reach Redis at redis://127\\.0\\.0\\.1:${dead.port}: .*ECONNREFUSED`);
  const expected = { name: 'UserFacingError', code: 'AUDIT_REDIS_UNREACHABLE', exitCode: 1, message };
  await t.rejects(runFilteredTail({ redis: dead.url }, captureIo().io, { now }), expected);
  await t.rejects(runAuditExport({ redis: dead.url, format: 'jsonl' }, captureIo().io, { now }), expected);
  await t.rejects(runAuditVerify({ redis: dead.url, pubkey: undefined, dataDir: t.testdir() }, captureIo().io), expected);
});

t.test('verify --redis reads the stream with the same verifier', async (t) => {
  const run = captureIo();
  t.equal(await runAuditVerify({ redis: server.url, dataDir: t.testdir(), json: true }, run.io), 0);
  t.match(JSON.parse(run.lines()[0]!), { path: `${server.url} stream aws-guard:audit`, ok: true, count: EVENTS.length, checkpoints: 0 });
});

t.test('archiving: a stream trimmed before a checkpoint verifies from the record after it, and not from seq 1', async (t) => {
  const own = await startRedis();
  t.teardown(() => own.stop());
  const dataDir = t.testdir();
  const key = await loadOrCreateAuditSigningKey(dataDir);
  const log = await createRedisAuditLog({ url: own.url, checkpoints: { signer: key.signer, everyRecords: 4, timer: () => () => {} } });
  for (const event of EVENTS) await log.append(event);
  await log.close();
  const exported = captureIo();
  t.equal(await runAuditExport({ redis: own.url, format: 'jsonl' }, exported.io, { now }), 0);
  const records = exported.lines().map((l) => JSON.parse(l) as { seq: number; type: string });
  const sealAt = records.filter((r) => r.type === 'audit.checkpoint')[1]!.seq;
  const { redis: client, close } = await connectReader(own.url);
  t.teardown(close);
  await client.xtrim('aws-guard:audit', 'MINID', `0-${sealAt}`);
  const whole = captureIo();
  t.equal(await runAuditVerify({ redis: own.url, dataDir, json: true }, whole.io), 1, 'the trimmed records are missing from seq 1');
  t.match(JSON.parse(whole.lines()[0]!), { ok: false, issue: { code: 'AUDIT_SEQ_GAP', seq: sealAt } });
  const rest = captureIo();
  t.equal(await runAuditVerify({ redis: own.url, dataDir, json: true, from: String(sealAt + 1) }, rest.io), 0);
  t.match(JSON.parse(rest.lines()[0]!), { ok: true, skipped: 1, lastSeq: records.at(-1)!.seq, unsigned: 0 });
});
