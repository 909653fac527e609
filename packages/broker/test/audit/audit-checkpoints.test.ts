import t from 'tap';
import { createAuditLog, type AuditLog, type CheckpointOptions } from '@aws-guard/broker/audit/audit-log';
import { auditDirOf } from '@aws-guard/broker/audit/audit-files';
import { loadOrCreateAuditSigningKey } from '@aws-guard/broker/audit/audit-signing-key';
import { verifyAuditFile } from '@aws-guard/broker/audit/verify-audit-file';
import { readLines } from './signed-log.js';

const event = (i: number) => ({ type: 'command.requested' as const, actor: { kind: 'agent' as const }, data: { i } });

/** A log with an injected clock (advanced by the test) and timer (ticked by the test): no sleeps. */
async function clockedLog(dataDir: string, opts: Partial<CheckpointOptions> = {}) {
  const key = await loadOrCreateAuditSigningKey(dataDir);
  const now = { ms: Date.UTC(2025, 0, 1) };
  const ticks: Array<() => Promise<unknown>> = [];
  const log = await createAuditLog({
    dir: auditDirOf(dataDir),
    clock: () => new Date(now.ms),
    checkpoints: { signer: key.signer, timer: (tick) => (ticks.push(tick), () => ticks.splice(0)), ...opts },
  });
  const tick = () => ticks[0]!();
  return { log, key, now, tick };
}

const types = async (log: AuditLog): Promise<string[]> =>
  (await readLines(log.path)).map((l) => (JSON.parse(l) as { type: string }).type === 'audit.checkpoint' ? 'C' : 'r');

t.test('by count: a checkpoint right after every N records, whether appended one by one or in one batch', async (t) => {
  for (const concurrent of [false, true]) {
    const { log } = await clockedLog(t.testdir(), { everyRecords: 3 });
    if (concurrent) await Promise.all(Array.from({ length: 7 }, (_, i) => log.append(event(i))));
    else for (let i = 0; i < 7; i++) await log.append(event(i));
    t.same(await types(log), ['r', 'r', 'r', 'C', 'r', 'r', 'r', 'C', 'r'], concurrent ? 'one batch' : 'one by one');
    t.match(await verifyAuditFile(log.path, (await loadOrCreateAuditSigningKey(t.testdirName)).publicKey), { ok: true });
  }
});

// T counts from the last checkpoint (or the start): a record is never left unsigned for longer than T plus
// one timer period, and a quiet log gets no checkpoints at all.
t.test('by time: once T has passed since the last checkpoint, and only if records were added since', async (t) => {
  const { log, now, tick } = await clockedLog(t.testdir(), { everyMs: 60_000 });
  await log.append(event(1));
  now.ms += 59_999;
  t.equal(await tick(), null, 'just under T since the start: not yet');
  now.ms += 1;
  t.match(await tick(), { seq: 2, type: 'audit.checkpoint', ts: new Date(now.ms).toISOString(), data: { seq: 1 } }, 'T: signed');
  now.ms += 120_000;
  t.equal(await tick(), null, 'no records since the checkpoint: none, however long');
  await log.append(event(2));
  t.match(await tick(), { seq: 4, type: 'audit.checkpoint', data: { seq: 3 } }, 'a record after a quiet spell is signed at the next tick');
  await log.append(event(3));
  now.ms += 30_000;
  t.equal(await tick(), null, 'T counts from that checkpoint');
  t.same(await types(log), ['r', 'C', 'r', 'C', 'r']);
});

t.test('a count checkpoint restarts the time cadence', async (t) => {
  const { log, now, tick } = await clockedLog(t.testdir(), { everyRecords: 2, everyMs: 60_000 });
  await log.append(event(1));
  now.ms += 59_000;
  await log.append(event(2));
  await log.append(event(3));
  now.ms += 2_000;
  t.equal(await tick(), null, '61 s since start, 2 s since the count checkpoint');
  t.same(await types(log), ['r', 'r', 'C', 'r']);
});

t.test('close signs what the last checkpoint did not cover, and nothing more', async (t) => {
  const { log } = await clockedLog(t.testdir(), { everyRecords: 2 });
  for (let i = 0; i < 3; i++) await log.append(event(i));
  await log.close();
  t.same(await types(log), ['r', 'r', 'C', 'r', 'C']);
  const even = await clockedLog(t.testdir(), { everyRecords: 2 });
  for (let i = 0; i < 2; i++) await even.log.append(event(i));
  await even.log.close();
  t.same(await types(even.log), ['r', 'r', 'C'], 'already signed up to the end: no second checkpoint');
  await t.rejects(even.log.checkpoint(), { code: 'AUDIT_LOG_CLOSED' });
});

t.test('after a restart the next checkpoint chains to the last one, and counts the records since it', async (t) => {
  const dataDir = t.testdir();
  const first = await clockedLog(dataDir, { everyRecords: 3 });
  for (let i = 0; i < 5; i++) await first.log.append(event(i));
  // Not closed: a crash after seq 5 (checkpoint at 4, records 5 and 6 unsigned).
  const second = await clockedLog(dataDir, { everyRecords: 3 });
  await second.log.append(event(5));
  t.same(await types(second.log), ['r', 'r', 'r', 'C', 'r', 'r', 'r', 'C']);
  const lines = (await readLines(second.log.path)).map((l) => JSON.parse(l) as { data: { signature?: string; prevSignature?: string } });
  t.equal(lines[7]!.data.prevSignature, lines[3]!.data.signature);
  t.match(await verifyAuditFile(second.log.path, second.key.publicKey), { ok: true, checkpoints: 2, unsigned: 0 });
});

t.test('nobody appends a checkpoint through append: the log writes them itself', async (t) => {
  const { log } = await clockedLog(t.testdir());
  await t.rejects(log.append({ type: 'audit.checkpoint', actor: { kind: 'broker' }, data: {} }), { code: 'AUDIT_INVALID_EVENT' });
  t.equal(log.head().seq, 0);
});

t.test('a log without a signer writes no checkpoints, even at close', async (t) => {
  const log = await createAuditLog({ dir: t.testdir() });
  await log.append(event(1));
  await log.close();
  t.same(await types(log), ['r']);
});
