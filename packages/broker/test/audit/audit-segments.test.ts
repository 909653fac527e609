// Segments: the active audit.jsonl is sealed into audit-<first seq>.jsonl by size, each sealed segment ends with a
// checkpoint, the chain and the checkpoint signatures continue across segments and restarts, and every state a
// crash can leave inside a rotation (constructed on disk here) recovers and verifies.
import t from 'tap';
import { readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createAuditLog, type AuditLog } from '@aws-guard/broker/audit/audit-log';
import { auditDirOf, readAuditLines, readLastLines } from '@aws-guard/broker/audit/audit-files';
import { firstSeqOf, listSealedSegments, segmentName } from '@aws-guard/broker/audit/audit-segments';
import { loadOrCreateAuditSigningKey, type AuditSigningKey } from '@aws-guard/broker/audit/audit-signing-key';
import { verifyAuditFile } from '@aws-guard/broker/audit/verify-audit-file';
import { readLines } from './signed-log.js';

const SEGMENT_BYTES = 4096;

const requested = (i: number) => ({
  type: 'command.requested' as const, requestId: `r${i}`, sessionId: 's1', actor: { kind: 'agent' as const, agent: 'claude' },
  data: { argv: ['s3', 'ls', `s3://bucket-${i}`], padding: 'x'.repeat(200) },
});
/** A record no start-up scan looks at: logs of these stop cleanly with nothing unfinished. */
const filler = (i: number) => ({ type: 'policy.loaded' as const, actor: { kind: 'admin' as const }, data: { i, source: 'x'.repeat(200) } });
const executed = (i: number) => ({ type: 'command.executed' as const, requestId: `r${i}`, sessionId: 's1', actor: { kind: 'agent' as const }, data: { exitCode: 0 } });

async function openLog(dataDir: string, key: AuditSigningKey, segmentBytes = SEGMENT_BYTES, everyRecords = 1000): Promise<AuditLog> {
  let ms = Date.UTC(2025, 0, 1);
  return createAuditLog({
    dir: auditDirOf(dataDir), segmentBytes, clock: () => new Date((ms += 1000)),
    checkpoints: { signer: key.signer, everyRecords, timer: () => () => {} },
  });
}

/** Every line of every segment, oldest first, parsed. */
async function allRecords(log: AuditLog): Promise<Array<{ seq: number; type: string; requestId?: string; data: Record<string, unknown> }>> {
  const out = [];
  for await (const line of readAuditLines(log.path).lines) out.push(JSON.parse(line) as { seq: number; type: string; data: Record<string, unknown> });
  return out;
}

async function segmentFiles(dataDir: string): Promise<string[]> {
  return (await readdir(auditDirOf(dataDir))).filter((n) => n.startsWith('audit')).sort();
}

t.test('a tiny segment size over many appends: several sealed segments, each ending signed, one verified chain', async (t) => {
  const dataDir = t.testdir();
  const key = await loadOrCreateAuditSigningKey(dataDir);
  const log = await openLog(dataDir, key, SEGMENT_BYTES, 7);
  for (let i = 1; i <= 60; i++) await log.append(requested(i));
  // Concurrent appends go out in batches; rotation happens between them.
  await Promise.all(Array.from({ length: 40 }, (_, i) => log.append(requested(100 + i))));
  await log.close();
  const sealed = await listSealedSegments(log.path);
  t.ok(sealed.length >= 5, `${sealed.length} sealed segments`);
  let expectedFirst = 1;
  for (const segment of sealed) {
    t.equal(segment.path, join(auditDirOf(dataDir), segmentName(segment.firstSeq)), 'named by its first seq, 12 digits');
    t.equal(await firstSeqOf(segment.path), expectedFirst, `${segment.path} starts where the one before ended`);
    const lines = await readLines(segment.path);
    const last = JSON.parse(lines.at(-1)!) as { seq: number; type: string };
    t.equal(last.type, 'audit.checkpoint', 'a sealed segment ends with a checkpoint');
    // A segment is sealed after the batch that fills it: at most one batch over the size.
    t.ok((await stat(segment.path)).size >= SEGMENT_BYTES, 'sealed only once full');
    expectedFirst = last.seq + 1;
  }
  const records = await allRecords(log);
  t.same(records.map((r) => r.seq), records.map((_, i) => i + 1), 'readAuditLines yields every segment in order, then the active file');
  t.equal(records.filter((r) => r.type === 'command.requested').length, 100);
  const verdict = await verifyAuditFile(log.path, key.publicKey);
  t.match(verdict, { ok: true, count: records.length, unsigned: 0, skipped: 0 });
  const checkpoints = records.filter((r) => r.type === 'audit.checkpoint').length;
  t.ok(verdict.ok && verdict.checkpoints === checkpoints && checkpoints > sealed.length + 5, `all ${checkpoints} checkpoints (cadence 7 and the seals) verified`);
});

t.test('readLastLines reads back into the sealed segments when the active file holds too few lines', async (t) => {
  const dataDir = t.testdir();
  const key = await loadOrCreateAuditSigningKey(dataDir);
  const log = await openLog(dataDir, key);
  for (let i = 1; i <= 40; i++) await log.append(requested(i));
  const active = (await readLines(log.path)).length;
  const last = await readLastLines(log.path, active + 5);
  t.equal(last.length, active + 5);
  const seqs = last.map((l) => (JSON.parse(l) as { seq: number }).seq);
  t.same(seqs, seqs.map((_, i) => log.head().seq - seqs.length + 1 + i), 'the last lines across the boundary, in order');
});

t.test('a restart after rotation continues the chain and the checkpoint signatures', async (t) => {
  const dataDir = t.testdir();
  const key = await loadOrCreateAuditSigningKey(dataDir);
  const first = await openLog(dataDir, key);
  for (let i = 1; i <= 30; i++) await first.append(filler(i));
  await first.close();
  const head = first.head();
  const again = await openLog(dataDir, key);
  t.same(again.head(), head, 'the chain continues where it stopped');
  t.equal(again.recovered, null, 'a cleanly stopped log reports nothing unfinished');
  for (let i = 31; i <= 60; i++) await again.append(filler(i));
  await again.close();
  t.ok((await listSealedSegments(again.path)).length >= 3);
  t.match(await verifyAuditFile(again.path, key.publicKey), { ok: true, unsigned: 0 });
});

// Each crash state of a rotation, made on disk by hand from a cleanly written log.
const CRASH_STATES: ReadonlyArray<readonly [string, (dir: string, active: string) => Promise<void>]> = [
  ['renamed, no new active file yet', async (dir, active) => {
    const first = await firstSeqOf(active);
    await rename(active, join(dir, segmentName(first!)));
  }],
  ['renamed, the new active file empty', async (dir, active) => {
    const first = await firstSeqOf(active);
    await rename(active, join(dir, segmentName(first!)));
    await writeFile(active, '', { mode: 0o600 });
  }],
  ['renamed, the new active file holding only a torn line', async (dir, active) => {
    const first = await firstSeqOf(active);
    await rename(active, join(dir, segmentName(first!)));
    await writeFile(active, '{"v":1,"seq":', { mode: 0o600 });
  }],
  ['full, sealed by checkpoint but not renamed', async () => {}],
];

for (const [what, crash] of CRASH_STATES) {
  t.test(`crash inside a rotation: ${what} — start-up recovers, the chain verifies`, async (t) => {
    const dataDir = t.testdir();
    const dir = auditDirOf(dataDir);
    const key = await loadOrCreateAuditSigningKey(dataDir);
    // A segment size nothing reaches: the active file is made full by hand below.
    const before = await openLog(dataDir, key, 1024 ** 3);
    for (let i = 1; i <= 20; i++) await before.append(filler(i));
    await before.close();
    const head = before.head();
    await crash(dir, before.path);
    const after = await openLog(dataDir, key, SEGMENT_BYTES);
    t.same(after.head(), head, 'the chain continues from the last durable record');
    t.equal(after.recovered, null);
    await after.append(filler(21));
    await after.close();
    const records = await allRecords(after);
    t.same(records.map((r) => r.seq), records.map((_, i) => i + 1));
    t.match(await verifyAuditFile(after.path, key.publicKey), { ok: true, unsigned: 0 });
    t.ok((await listSealedSegments(after.path)).length >= 1, 'the full file is a sealed segment');
    t.ok((await segmentFiles(dataDir)).includes('audit.jsonl'), 'there is an active file again');
  });
}

t.test('a full active file left without its closing checkpoint (crash before sealing) is signed, then sealed', async (t) => {
  const dataDir = t.testdir();
  const key = await loadOrCreateAuditSigningKey(dataDir);
  const before = await openLog(dataDir, key, 1024 ** 3);
  for (let i = 1; i <= 20; i++) await before.append(requested(i));
  // No close: no last checkpoint, as after SIGKILL.
  const after = await openLog(dataDir, key, SEGMENT_BYTES);
  const recovered = after.recovered;
  t.match(recovered, { type: 'broker.recovered', data: { count: 20 } });
  await after.append(requested(21));
  const [sealed] = await listSealedSegments(after.path);
  t.ok(sealed !== undefined);
  t.match(JSON.parse((await readLines(sealed!.path)).at(-1)!), { type: 'audit.checkpoint' }, 'sealed ends signed');
  await after.close();
  t.match(await verifyAuditFile(after.path, key.publicKey), { ok: true, unsigned: 0 });
});

t.test('unfinished commands are found across a segment boundary, back to the last broker.started', async (t) => {
  const dataDir = t.testdir();
  const key = await loadOrCreateAuditSigningKey(dataDir);
  const log = await openLog(dataDir, key);
  const started = await log.append({ type: 'broker.started', actor: { kind: 'broker' }, data: {} });
  await log.append(requested(1));
  for (let i = 2; i <= 30; i++) {
    await log.append(requested(i));
    await log.append(executed(i));
  }
  await log.append(requested(99));
  // SIGKILL: r1 (in the first segment) and r99 (in the active file or a later segment) have no end.
  const sealed = await listSealedSegments(log.path);
  t.ok(sealed.length >= 2, 'the run spans several segments');
  const lines = await readLines(sealed[0]!.path);
  t.ok(lines.some((l) => l.includes('"requestId":"r1"')) && lines.some((l) => l.includes('"type":"broker.started"')), 'the start and r1 are in the first segment');
  const after = await openLog(dataDir, key);
  t.match(after.recovered, { type: 'broker.recovered', data: { count: 2, previousStart: started.seq, scannedAfter: started.seq } });
  t.same((after.recovered?.data['unfinished'] as Array<{ requestId: string }>).map((u) => u.requestId), ['r1', 'r99']);
  // The next start scans only after that report, across segments too.
  await after.close();
  const third = await openLog(dataDir, key);
  t.equal(third.recovered, null, 'reported once');
  await third.close();
});

t.test('archived sealed segments: verify says so with its own code, and verifies from there with --from', async (t) => {
  const dataDir = t.testdir();
  const key = await loadOrCreateAuditSigningKey(dataDir);
  const log = await openLog(dataDir, key, SEGMENT_BYTES, 5);
  for (let i = 1; i <= 50; i++) await log.append(requested(i));
  await log.close();
  const [oldest, next] = await listSealedSegments(log.path);
  await rm(oldest!.path);
  const verdict = await verifyAuditFile(log.path, key.publicKey);
  t.match(verdict, { ok: false, issue: { code: 'AUDIT_SEGMENTS_MISSING', seq: next!.firstSeq, line: 1, message: new RegExp(`starts at seq ${next!.firstSeq}.*--from ${next!.firstSeq}`) } });
  const from = await verifyAuditFile(log.path, key.publicKey, { seq: next!.firstSeq });
  t.match(from, { ok: true, skipped: 0, unsigned: 0, lastSeq: log.head().seq });
  t.ok(from.ok && from.checkpoints > 0, 'the checkpoints after the archived ones verify, the first one trusting its previous signature');
  // Trust covers the missing part only: an edit in what is here is still found.
  const lines = await readLines(next!.path);
  lines[2] = lines[2]!.replace('bucket-', 'bucket_');
  await writeFile(next!.path, lines.map((l) => `${l}\n`).join(''));
  t.match(await verifyAuditFile(log.path, key.publicKey, { seq: next!.firstSeq }), { ok: false, issue: { code: 'AUDIT_HASH_MISMATCH', line: 3 } });
});

t.test('a segment missing in the middle is a chain error, not an archive', async (t) => {
  const dataDir = t.testdir();
  const key = await loadOrCreateAuditSigningKey(dataDir);
  const log = await openLog(dataDir, key);
  for (let i = 1; i <= 50; i++) await log.append(requested(i));
  await log.close();
  const sealed = await listSealedSegments(log.path);
  await rm(sealed[1]!.path);
  t.match(await verifyAuditFile(log.path, key.publicKey), { ok: false, issue: { code: 'AUDIT_SEQ_GAP', seq: sealed[2]!.firstSeq } });
});

t.test('a sealed segment that does not end with a newline is reported, not read as torn', async (t) => {
  const dataDir = t.testdir();
  const key = await loadOrCreateAuditSigningKey(dataDir);
  const log = await openLog(dataDir, key);
  for (let i = 1; i <= 30; i++) await log.append(requested(i));
  await log.close();
  const [first] = await listSealedSegments(log.path);
  await writeFile(first!.path, 'partial', { flag: 'a' });
  t.match(await verifyAuditFile(log.path, key.publicKey), { ok: false, issue: { code: 'AUDIT_LOG_UNREADABLE', message: /sealed segment .* without a newline/ } });
});

t.test('a rotation that cannot finish: the filling batch is acknowledged, the next one fails, and it is retried', async (t) => {
  const dataDir = t.testdir();
  const key = await loadOrCreateAuditSigningKey(dataDir);
  const log = await openLog(dataDir, key);
  // The name the first segment will take is taken: rename() must not replace it.
  const squatter = join(auditDirOf(dataDir), segmentName(1));
  await writeFile(squatter, 'not ours\n');
  let acknowledged = 0;
  let failure: unknown = null;
  for (let i = 1; i <= 40 && failure === null; i++) {
    await log.append(filler(i)).then(() => acknowledged++, (e: unknown) => (failure = e));
  }
  t.match(failure, { name: 'AuditAppendError', code: 'AUDIT_LOG_DIVERGED', message: /already exists/ });
  t.ok((await stat(log.path)).size >= SEGMENT_BYTES, 'the batch that filled the segment was acknowledged, still in audit.jsonl');
  t.equal(log.head().seq, acknowledged + 1, 'the failed append took no seq; the head is the sealing checkpoint');
  await rm(squatter);
  await log.append(filler(99));
  t.equal((await listSealedSegments(log.path)).length, 1, 'sealed on the retry');
  await log.close();
  t.match(await verifyAuditFile(log.path, key.publicKey), { ok: true, unsigned: 0 });
});

t.test('readAuditLines while the log rotates under it: every record once, in order (a snapshot, no gap)', async (t) => {
  const dataDir = t.testdir();
  const key = await loadOrCreateAuditSigningKey(dataDir);
  const log = await openLog(dataDir, key);
  for (let i = 1; i <= 30; i++) await log.append(filler(i));
  const seqs: number[] = [];
  for await (const line of readAuditLines(log.path).lines) {
    seqs.push((JSON.parse(line) as { seq: number }).seq);
    // After the first line: several rotations while the reader is in the middle of the oldest segment.
    if (seqs.length === 1) for (let i = 31; i <= 80; i++) await log.append(filler(i));
  }
  await log.close();
  t.ok((await listSealedSegments(log.path)).length >= 6);
  t.same(seqs, seqs.map((_, i) => i + 1), `${seqs.length} records, contiguous from 1`);
  t.ok(seqs.length >= 80, 'the segments sealed during the read are read too');
});

t.test('readers of a log whose rotation was cut short before the new audit.jsonl existed', async (t) => {
  const dataDir = t.testdir();
  const key = await loadOrCreateAuditSigningKey(dataDir);
  const log = await openLog(dataDir, key, 1024 ** 3);
  for (let i = 1; i <= 5; i++) await log.append(filler(i));
  await log.close();
  await rename(log.path, join(auditDirOf(dataDir), segmentName(1)));
  const records = await allRecords(log);
  t.same(records.map((r) => r.seq), [1, 2, 3, 4, 5, 6], 'the sealed segment alone, the missing active file as empty');
  t.same((await readLastLines(log.path, 2)).map((l) => (JSON.parse(l) as { seq: number }).seq), [5, 6]);
  t.match(await verifyAuditFile(log.path, key.publicKey), { ok: true, count: 6, unsigned: 0 });
  await rm(join(auditDirOf(dataDir), segmentName(1)));
  t.match(await verifyAuditFile(log.path, key.publicKey), { ok: false, issue: { code: 'AUDIT_LOG_MISSING' } }, 'nothing at all: missing');
});
