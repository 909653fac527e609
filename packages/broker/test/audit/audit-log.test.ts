import t from 'tap';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { AuditEvent } from '@aws-guard/shared/audit/audit-record';
import { computeRecordHash, GENESIS_HASH, verifyChain } from '@aws-guard/shared/audit/hash-chain';
import { AuditAppendError } from '@aws-guard/broker/audit/audit-errors';
import { createAuditLog } from '@aws-guard/broker/audit/audit-log';
import { readAuditLines } from '@aws-guard/broker/audit/audit-files';

const requested = (n: number): AuditEvent => ({
  type: 'command.requested', requestId: `req-${n}`, sessionId: 'sess-1',
  actor: { kind: 'agent', agent: 'claude', human: 'alice', role: 'agent' },
  data: { argv: ['s3api', 'list-buckets', `--n=${n}`] },
});

const fileLines = async (path: string): Promise<string[]> => (await readFile(path, 'utf8')).split('\n').slice(0, -1);

t.test('an append writes one chained line, durable before it resolves', async (t) => {
  const dir = t.testdir();
  const clock = () => new Date('2025-03-04T05:06:07.089Z');
  const log = await createAuditLog({ dir, clock });
  t.equal(log.path, join(dir, 'audit.jsonl'));
  const record = await log.append(requested(1));
  const { hash, ...unhashed } = record;
  t.match(record, { v: 1, seq: 1, ts: '2025-03-04T05:06:07.089Z', type: 'command.requested', prevHash: GENESIS_HASH });
  t.equal(hash, computeRecordHash(GENESIS_HASH, unhashed));
  t.same(await fileLines(log.path), [JSON.stringify(record)], 'the line on disk is the record returned');
  t.same(log.head(), { seq: 1, hash });
  t.equal((await stat(log.path)).mode & 0o777, 0o600, 'only the broker can read the audit');
  await log.close();
});

t.test('100 concurrent appends produce seq 1..100 in call order and a chain that verifies', async (t) => {
  const dir = t.testdir();
  const log = await createAuditLog({ dir });
  const records = await Promise.all(Array.from({ length: 100 }, (_, i) => log.append(requested(i + 1))));
  t.same(records.map((r) => r.seq), Array.from({ length: 100 }, (_, i) => i + 1));
  t.same(records.map((r) => r.requestId), Array.from({ length: 100 }, (_, i) => `req-${i + 1}`));
  const verdict = await verifyChain(readAuditLines(log.path).lines);
  t.same(verdict, { ok: true, count: 100, lastSeq: 100, lastHash: records[99]!.hash });
  await log.close();
});

t.test('optional fields left undefined are not written', async (t) => {
  const log = await createAuditLog({ dir: t.testdir() });
  const record = await log.append({ type: 'broker.started', code: undefined, actor: { kind: 'broker', agent: undefined }, data: {} });
  t.same(Object.keys(record), ['v', 'seq', 'ts', 'type', 'actor', 'data', 'prevHash', 'hash']);
  t.same(record.actor, { kind: 'broker' });
  await log.close();
});

const invalid: Array<[string, unknown]> = [
  ['an unknown event type', { ...requested(1), type: 'command.exploded' }],
  ['an actor of no known kind', { ...requested(1), actor: { kind: 'robot' } }],
  ['a field the format does not have', { ...requested(1), seq: 7 }],
  ['data that is not an object', { ...requested(1), data: ['a'] }],
  ['data with NaN', { ...requested(1), data: { n: Number.NaN } }],
  ['data with a Date', { ...requested(1), data: { at: new Date() } }],
  ['a requestId with an unpaired surrogate', { ...requested(1), requestId: 'r\uD800' }],
];

for (const [name, event] of invalid) {
  t.test(`an event with ${name} is refused and takes no seq`, async (t) => {
    const log = await createAuditLog({ dir: t.testdir() });
    await t.rejects(log.append(event as AuditEvent), { name: 'AuditAppendError', code: 'AUDIT_INVALID_EVENT' });
    t.equal((await log.append(requested(2))).seq, 1);
    await log.close();
  });
}

t.test('a record over the size limit is refused alone; its batch neighbours are written', async (t) => {
  const log = await createAuditLog({ dir: t.testdir() });
  const huge = { ...requested(2), data: { argv: ['x'.repeat(1024 * 1024)] } };
  const [a, b, c] = await Promise.allSettled([log.append(requested(1)), log.append(huge), log.append(requested(3))]);
  t.match(b, { status: 'rejected', reason: { code: 'AUDIT_RECORD_TOO_LARGE' } });
  t.match([a, c], [{ status: 'fulfilled', value: { seq: 1 } }, { status: 'fulfilled', value: { seq: 2 } }]);
  t.equal((await verifyChain(await fileLines(log.path))).ok, true);
  await log.close();
});

t.test('changing the event object after append does not change what is recorded', async (t) => {
  const log = await createAuditLog({ dir: t.testdir() });
  const event = requested(1);
  const pending = log.append(event);
  (event.data.argv as string[])[0] = 'iam';
  const record = await pending;
  t.same(record.data, { argv: ['s3api', 'list-buckets', '--n=1'] });
  t.equal((await verifyChain(await fileLines(log.path))).ok, true);
  await log.close();
});

t.test('close waits for queued appends, then refuses new ones', async (t) => {
  const log = await createAuditLog({ dir: t.testdir() });
  const pending = [log.append(requested(1)), log.append(requested(2))];
  await log.close();
  t.same((await Promise.all(pending)).map((r) => r.seq), [1, 2]);
  const late = log.append(requested(3));
  await t.rejects(late, { code: 'AUDIT_LOG_CLOSED' });
  await late.catch((e: unknown) => t.ok(e instanceof AuditAppendError));
});

t.test('a clock that throws fails that batch without stalling the queue', async (t) => {
  let broken = true;
  const log = await createAuditLog({ dir: t.testdir(), clock: () => (broken ? new Date(Number.NaN) : new Date()) });
  await t.rejects(log.append(requested(1)), { code: 'AUDIT_WRITE_FAILED' });
  broken = false;
  t.equal((await log.append(requested(2))).seq, 1);
  await log.close();
});
