import t from 'tap';
import { appendFile, readFile } from 'node:fs/promises';
import type { AuditEvent, AuditRecord } from '@aws-guard/shared/audit/audit-record';
import { createAuditLog, type AuditLog } from '@aws-guard/broker/audit/audit-log';
import { MAX_LISTED_UNFINISHED } from '@aws-guard/broker/audit/find-unfinished-commands';
import { verifyAuditFile } from '@aws-guard/broker/audit/verify-audit-file';

const agent = { kind: 'agent' as const, agent: 'claude', human: 'alice' };
const started: AuditEvent = { type: 'broker.started', actor: { kind: 'broker' }, data: { version: 'test' } };
const requested = (id: string, argv: string[] = ['s3', 'ls', id]): AuditEvent =>
  ({ type: 'command.requested', requestId: id, sessionId: `sess-${id}`, actor: agent, data: { argv } });
const ended = (id: string, type: AuditEvent['type']): AuditEvent =>
  ({ type, requestId: id, sessionId: `sess-${id}`, actor: agent, data: { exitCode: 0 } });

const records = async (path: string): Promise<AuditRecord[]> =>
  (await readFile(path, 'utf8')).split('\n').slice(0, -1).map((line) => JSON.parse(line) as AuditRecord);

const clock = () => new Date('2025-06-07T08:09:10.111Z');

async function appendAll(log: AuditLog, events: AuditEvent[]): Promise<AuditRecord[]> {
  const written: AuditRecord[] = [];
  for (const event of events) written.push(await log.append(event));
  return written;
}

t.test('after a crash mid-command, the next start records the commands left unfinished', async (t) => {
  const dir = t.testdir();
  // What a SIGKILLed broker leaves: no broker.stopped, commands without their end, a last line cut mid-write.
  const crashed = await createAuditLog({ dir, clock });
  const [start, r1, , , r3] = await appendAll(crashed, [
    started, requested('r1'), requested('r2'), ended('r2', 'command.executed'), requested('r3'),
    requested('r4'), ended('r4', 'command.refused'), requested('r5'), ended('r5', 'command.cancelled'),
    requested('r6'), ended('r6', 'command.failed'), { ...requested('r7'), type: 'command.started' },
  ]);
  const torn = JSON.stringify({ v: 1, seq: 13, type: 'command.requested', requestId: 'r8' }).slice(0, 40);
  await appendFile(crashed.path, torn);

  const log = await createAuditLog({ dir, clock });
  t.equal(log.recovery.tornTail?.bytes, torn.length, 'the torn line is set aside as before');
  const recovered = log.recovered;
  t.match(recovered, { seq: 13, type: 'broker.recovered', actor: { kind: 'broker' }, prevHash: crashed.head().hash });
  t.same(recovered?.data, {
    unfinished: [
      { requestId: 'r1', sessionId: 'sess-r1', argv: ['s3', 'ls', 'r1'], requestedAt: r1!.ts, seq: r1!.seq },
      { requestId: 'r3', sessionId: 'sess-r3', argv: ['s3', 'ls', 'r3'], requestedAt: r3!.ts, seq: r3!.seq },
    ],
    count: 2,
    omitted: 0,
    previousStart: start!.seq,
    scannedAfter: start!.seq,
  }, 'r8 was never acknowledged (torn), so it is not listed; command.started ends nothing');
  t.same(log.head(), { seq: 13, hash: recovered!.hash });
  await log.append(started);
  await log.close();
  t.match(await verifyAuditFile(log.path), { ok: true, count: 14, lastSeq: 14 });
});

t.test('a cleanly finished log gets no broker.recovered record', async (t) => {
  const dir = t.testdir();
  const first = await createAuditLog({ dir });
  await appendAll(first, [started, requested('r1'), ended('r1', 'command.executed')]);
  await first.close();
  const log = await createAuditLog({ dir });
  t.equal(log.recovered, null);
  t.equal(log.head().seq, 3);
  t.notOk((await records(log.path)).some((record) => record.type === 'broker.recovered'));
});

t.test('only the commands since the last broker.started are reported', async (t) => {
  const dir = t.testdir();
  const first = await createAuditLog({ dir });
  const written = await appendAll(first, [started, requested('old'), started, requested('new')]);
  const log = await createAuditLog({ dir });
  t.same(log.recovered?.data['unfinished'], [
    { requestId: 'new', sessionId: 'sess-new', argv: ['s3', 'ls', 'new'], requestedAt: written[3]!.ts, seq: 4 },
  ]);
  t.equal(log.recovered?.data['previousStart'], 3);
});

t.test('a log without any broker.started is scanned from its start', async (t) => {
  const dir = t.testdir();
  const first = await createAuditLog({ dir });
  await appendAll(first, [requested('r1')]);
  const log = await createAuditLog({ dir });
  t.match(log.recovered?.data, { count: 1, previousStart: null, scannedAfter: 0 });
});

t.test('a second start before the broker started again does not report the same commands twice', async (t) => {
  const dir = t.testdir();
  const first = await createAuditLog({ dir });
  await appendAll(first, [started, requested('r1')]);
  const second = await createAuditLog({ dir });
  t.equal(second.recovered?.seq, 3);
  // The broker died again before writing broker.started (say its port was taken), then one more command ran.
  await second.append(requested('r2'));
  const third = await createAuditLog({ dir });
  t.match(third.recovered?.data, { count: 1, previousStart: 1, scannedAfter: 3, unfinished: [{ requestId: 'r2' }] });
  const fourth = await createAuditLog({ dir });
  t.equal(fourth.recovered, null, 'nothing new since the last broker.recovered');
});

t.test('the list is bounded: at most 1000 entries, long argv left out, the rest counted', async (t) => {
  const dir = t.testdir();
  const first = await createAuditLog({ dir });
  const long = ['s3', 'cp', 'x'.repeat(600)];
  await appendAll(first, [started, requested('long', long)]);
  await Promise.all(Array.from({ length: MAX_LISTED_UNFINISHED + 4 }, (_, i) => first.append(requested(`r${i}`))));
  const log = await createAuditLog({ dir });
  const data = log.recovered!.data as { unfinished: Array<{ requestId: string; argv: unknown; seq: number }>; count: number; omitted: number };
  t.equal(data.unfinished.length, MAX_LISTED_UNFINISHED);
  t.equal(data.count, MAX_LISTED_UNFINISHED + 5);
  t.equal(data.omitted, 5);
  t.match(data.unfinished[0], { requestId: 'long', sessionId: 'sess-long', argv: null, seq: 2 }, 'the seq leads to the full record');
  t.ok(Buffer.byteLength(JSON.stringify(log.recovered)) < 1024 * 1024, 'the record stays under the record size limit');
  t.match(await verifyAuditFile(log.path), { ok: true });
});

t.test('callers cannot write broker.recovered: only the log does, at start-up', async (t) => {
  const log = await createAuditLog({ dir: t.testdir() });
  await t.rejects(log.append({ type: 'broker.recovered', actor: { kind: 'broker' }, data: {} }),
    { code: 'AUDIT_INVALID_EVENT', message: /written by the log itself/ });
});
