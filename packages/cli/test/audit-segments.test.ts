// The CLI readers over a log rotated into segments: verify (whole, archived, --from), tail -n reaching into a
// sealed segment, tail -f following across a rotation, sessions and doctor reading every segment.
import t, { type Test } from 'tap';
import { readFile, rm } from 'node:fs/promises';
import type { AuditEvent } from '@aws-guard/shared/audit/audit-record';
import { createAuditLog, type AuditLog } from '@aws-guard/broker/audit/audit-log';
import { auditDirOf } from '@aws-guard/broker/audit/audit-files';
import { listSealedSegments } from '@aws-guard/broker/audit/audit-segments';
import { loadOrCreateAuditSigningKey } from '@aws-guard/broker/audit/audit-signing-key';
import { runAuditVerify } from '../src/commands/audit-verify-run.js';
import { runAuditExport, runFilteredTail } from '../src/commands/audit-export-run.js';
import { runSessions } from '../src/commands/sessions-run.js';
import { INTERRUPTED_EXIT } from '../src/commands/command-context.js';
import { checkAuditChain } from '../src/doctor/check-data-dir.js';
import { captureIo } from './audit-export-log.fixture.js';

const SEGMENT_BYTES = 4096;
const tick = () => new Promise<void>((resolve) => setImmediate(resolve));
async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 20_000; i++) {
    if (condition()) return;
    await tick();
  }
  throw new Error(`timed out waiting for ${what}`);
}

const requested = (i: number, sessionId = 's1'): AuditEvent => ({
  type: 'command.requested', requestId: `r${i}`, sessionId, actor: { kind: 'agent', agent: 'claude', human: 'alice' },
  data: { argv: ['s3', 'ls', `s3://bucket-${i}`], padding: 'x'.repeat(300) },
});

async function rotatedLog(t: Test, count: number): Promise<{ dir: string; log: AuditLog }> {
  const dir = t.testdir();
  const key = await loadOrCreateAuditSigningKey(dir);
  let ms = Date.UTC(2026, 10, 26);
  const log = await createAuditLog({
    dir: auditDirOf(dir), segmentBytes: SEGMENT_BYTES, clock: () => new Date((ms += 1000)),
    checkpoints: { signer: key.signer, everyRecords: 10, timer: () => () => {} },
  });
  t.teardown(() => log.close());
  for (let i = 1; i <= count; i++) await log.append(requested(i, i <= 5 ? 's1' : 's2'));
  return { dir, log };
}

t.test('verify through the CLI runner: every segment, every checkpoint, exit 0', async (t) => {
  const { dir, log } = await rotatedLog(t, 60);
  await log.close();
  t.ok((await listSealedSegments(log.path)).length >= 5);
  const run = captureIo();
  t.equal(await runAuditVerify({ dataDir: dir }, run.io), 0, run.err());
  t.match(run.out(), new RegExp(`verified: ${log.head().seq} records, last seq ${log.head().seq}, .*\\n\\d+ checkpoint signatures verified`));
  t.equal(run.err(), '', 'ends with a checkpoint: no warning');
});

t.test('verify of a log whose first segments were archived: its own code naming the seq, then --from verifies it', async (t) => {
  const { dir, log } = await rotatedLog(t, 60);
  await log.close();
  const [oldest, second] = await listSealedSegments(log.path);
  await rm(oldest!.path);
  const run = captureIo();
  t.equal(await runAuditVerify({ dataDir: dir }, run.io), 1);
  t.match(run.err(), new RegExp(`does NOT verify at line 1 \\(seq ${second!.firstSeq}\\): AUDIT_SEGMENTS_MISSING: the log starts at seq ${second!.firstSeq}, not 1.*--from ${second!.firstSeq}`));
  const json = captureIo();
  t.equal(await runAuditVerify({ dataDir: dir, json: true }, json.io), 1);
  t.match(JSON.parse(json.out()), { ok: false, issue: { code: 'AUDIT_SEGMENTS_MISSING', seq: second!.firstSeq } });
  const from = captureIo();
  t.equal(await runAuditVerify({ dataDir: dir, from: String(second!.firstSeq), requireSigned: true }, from.io), 0, from.err());
  t.match(from.out(), new RegExp(`verified from seq ${second!.firstSeq}: the 0 records before it`));
});

t.test('tail -n reads back into the sealed segment when the active file holds fewer lines', async (t) => {
  const { dir, log } = await rotatedLog(t, 40);
  const run = captureIo();
  t.equal(await runFilteredTail({ dataDir: dir, lines: '25', json: true }, run.io), 0, run.err());
  const seqs = run.lines().map((l) => (JSON.parse(l) as { seq: number }).seq);
  const last = log.head().seq;
  t.same(seqs, Array.from({ length: 25 }, (_, i) => last - 24 + i));
  // With a filter the whole log is read, every segment.
  const filtered = captureIo();
  t.equal(await runFilteredTail({ dataDir: dir, lines: '100', json: true, session: 's1' }, filtered.io), 0);
  t.same(filtered.lines().map((l) => (JSON.parse(l) as { requestId: string }).requestId), ['r1', 'r2', 'r3', 'r4', 'r5']);
});

t.test('tail -f keeps following across rotations: the rest of the sealed file, then the new audit.jsonl', async (t) => {
  const { dir, log } = await rotatedLog(t, 3);
  const run = captureIo();
  const controller = new AbortController();
  const done = runFilteredTail({ dataDir: dir, lines: '100', json: true, follow: true }, run.io, { signal: controller.signal, wait: tick });
  await until(() => run.lines().length === 3, 'the first lines');
  const before = (await listSealedSegments(log.path)).length;
  // Appended concurrently with the follower: several rotations happen while it polls.
  for (let i = 4; i <= 60; i++) await log.append(requested(i, 's2'));
  t.ok((await listSealedSegments(log.path)).length >= before + 4, 'rotated several times');
  const last = log.head().seq;
  await until(() => run.lines().length === last, 'every record up to the last');
  controller.abort();
  t.equal(await done, INTERRUPTED_EXIT, run.err());
  t.same(run.lines().map((l) => (JSON.parse(l) as { seq: number }).seq), Array.from({ length: last }, (_, i) => i + 1), 'each record once, in order');
});

t.test('export and sessions read every segment', async (t) => {
  const { dir, log } = await rotatedLog(t, 40);
  await log.close();
  const exported = captureIo();
  t.equal(await runAuditExport({ dataDir: dir, format: 'jsonl' }, exported.io), 0);
  t.equal(exported.lines().length, log.head().seq);
  const [sealed] = await listSealedSegments(log.path);
  await t.rejects(runAuditExport({ dataDir: dir, format: 'jsonl', output: sealed!.path }, captureIo().io), { code: 'AUDIT_USAGE', message: /is the audit log itself/ },
    'a sealed segment is never truncated by --output');
  t.equal((await readFile(sealed!.path, 'utf8')).split('\n').length > 2, true);
  const sessions = captureIo();
  t.equal(await runSessions({ dataDir: dir, json: true }, sessions.io), 0, sessions.err());
  const listed = JSON.parse(sessions.out()) as Array<{ sessionId: string; commands: number }>;
  t.same(listed.map((s) => [s.sessionId, s.commands]).sort(), [['s1', 5], ['s2', 35]]);
});

t.test('doctor verifies every segment, and says when the first ones were archived', async (t) => {
  const { dir, log } = await rotatedLog(t, 40);
  await log.close();
  t.match(await checkAuditChain(dir), { status: 'OK', reason: new RegExp(`${log.head().seq} records verify`) });
  const [oldest] = await listSealedSegments(log.path);
  await rm(oldest!.path);
  const archived = await checkAuditChain(dir);
  t.match(archived, { status: 'WARN', reason: /verify from seq \d+ .*segments before it are not here/ });
  t.notMatch(archived.reason, /AUDIT_SEQ_GAP/, 'not reported as a chain error');
});
