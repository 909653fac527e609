// `audit verify --from`: the records before the start are read, not verified (the one just before it is trusted),
// everything from the start on is verified, checkpoints included, as a whole-log verify would.
import t from 'tap';
import { verifyAuditFile } from '@aws-guard/broker/audit/verify-audit-file';
import { readLines, writeLines, writeSignedLog } from './signed-log.js';

// As in verify-signed-log.test.ts: 13 records, checkpoints at seq 5, 10 and 13 (line n = seq n).
const RECORDS = 10;
const EVERY = 4;

const setup = async (t: { testdir: () => string }, tamper: (lines: string[]) => string[] = (l) => l) => {
  const { path, key } = await writeSignedLog(t.testdir(), RECORDS, EVERY);
  await writeLines(path, tamper(await readLines(path)));
  return { path, key };
};

t.test('from a seq: only the rest is verified, checkpoints after the start chained to the one before it', async (t) => {
  const { path, key } = await setup(t);
  for (const [from, count, checkpoints] of [[1, 13, 3], [6, 8, 2], [10, 4, 2], [11, 3, 1], [13, 1, 1], [99, 0, 0]] as const)
    t.match(await verifyAuditFile(path, key.publicKey, { seq: from }), { ok: true, count, lastSeq: 13, checkpoints, skipped: 13 - count, unsigned: 0 }, `--from ${from}`);
});

t.test('tampering before the start is out of scope; at or after it, it is found', async (t) => {
  const edit = (i: number) => (l: string[]) => l.map((line, at) => (at === i ? line.replace('"ls"', '"lt"') : line));
  const early = await setup(t, edit(2));
  t.match(await verifyAuditFile(early.path, early.key.publicKey, { seq: 6 }), { ok: true, count: 8 }, 'seq 3 edited, verified from 6');
  t.match(await verifyAuditFile(early.path, early.key.publicKey), { ok: false, issue: { code: 'AUDIT_HASH_MISMATCH', seq: 3 } }, 'a whole verify finds it');
  const late = await setup(t, edit(6));
  t.match(await verifyAuditFile(late.path, late.key.publicKey, { seq: 6 }), { ok: false, issue: { code: 'AUDIT_HASH_MISMATCH', seq: 7, line: 7 } }, 'seq 7 edited: found, with its line in the file');
  const removed = await setup(t, (l) => l.filter((_, i) => i !== 9));
  t.match(await verifyAuditFile(removed.path, removed.key.publicKey, { seq: 6 }), { ok: false, issue: { code: 'AUDIT_SEQ_GAP', seq: 11 } }, 'a checkpoint after the start removed');
});

t.test('from a time: the first record at or after it', async (t) => {
  const { path, key } = await setup(t);
  const lines = await readLines(path);
  const times = lines.map((line) => Date.parse((JSON.parse(line) as { ts: string }).ts));
  // Records written in the same millisecond share a time: the start is the first record at or after seq 8's.
  const before = times.filter((ms) => ms < times[7]!).length;
  t.match(await verifyAuditFile(path, key.publicKey, { time: new Date(times[7]!) }), { ok: true, lastSeq: 13, skipped: before, count: 13 - before });
  t.match(await verifyAuditFile(path, key.publicKey, { time: new Date('2999-01-01T00:00:00Z') }), { ok: true, count: 0 }, 'after the last record: nothing to verify');
});

t.test('a line before the start that is not a record cannot be stepped over', async (t) => {
  const { path, key } = await setup(t, (l) => l.map((line, i) => (i === 1 ? 'not json' : line)));
  t.match(await verifyAuditFile(path, key.publicKey, { seq: 6 }), { ok: false, issue: { code: 'AUDIT_BAD_JSON', line: 2, message: /verify from the start/ } });
});
