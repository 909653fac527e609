// Verifies an audit log end to end, streaming (a file, or any line source: the Redis stream): the chain (verifyChain), the signed checkpoints in it,
// plus what only a reader of the file can see — a missing or unreadable file, and a last line without its newline.
import { describeFileProblem } from '@aws-guard/shared/file-problem';
import type { KeyObject } from 'node:crypto';
import { createCheckpointChecker, type CheckpointSummary } from '@aws-guard/shared/audit/check-checkpoints';
import { CHAIN_START, verifyChain, type ChainIssue } from '@aws-guard/shared/audit/hash-chain';
import { readAuditLines } from './audit-files.js';
import { firstAvailableSeq } from './audit-segments.js';
import { skipToStart, type VerifyStart } from './skip-to-start.js';

/** verifyChain's codes, plus the file-level ones (docs/audit-format.md "Verifying"). */
export type AuditFileIssueCode = ChainIssue['code'] | 'AUDIT_TORN_TAIL' | 'AUDIT_LOG_MISSING' | 'AUDIT_LOG_UNREADABLE' | 'AUDIT_SEGMENTS_MISSING';
export type AuditFileIssue = Omit<ChainIssue, 'code'> & Readonly<{ code: AuditFileIssueCode }>;

export type AuditFileVerdict =
  | Readonly<{
    ok: true; count: number; lastSeq: number; lastHash: string;
    /** Records after the last checkpoint record (all of them when there is none): removing them from the end
     * would not be detected. 0 for a log whose broker stopped cleanly. */
    unsigned: number;
    /** Records before `--from`'s start, read but not verified (0 without --from). */
    skipped: number;
  } & CheckpointSummary>
  | Readonly<{ ok: false; issue: AuditFileIssue }>;

/** Lines to verify, and where they come from (for messages). `tornTail` reports bytes after the last newline
 * once `lines` is exhausted (a file); a source without one (the Redis stream) returns null. */
export type AuditLineSource = Readonly<{
  where: string;
  lines: AsyncIterable<string>;
  tornTail: () => Readonly<{ bytes: number }> | null;
}>;

/**
 * `publicKey` checks the checkpoints; null means there is none, and a log with checkpoints then fails
 * (AUDIT_CHECKPOINT_NO_KEY). A torn last line fails verification: it is not part of the chain, and the broker
 * sets it aside on its next start. Run against a log a broker is writing, a batch caught mid-write shows as
 * torn; verify again.
 */
export async function verifyAuditFile(path: string, publicKey: KeyObject | null = null, from?: VerifyStart): Promise<AuditFileVerdict> {
  const missing = from === undefined ? await segmentsMissing(path) : null;
  if (missing !== null) return missing;
  return verifyAuditLines({ where: path, ...readAuditLines(path) }, publicKey, from);
}

/** The same verification for any line source: a file and its segments, or the Redis stream (redis-audit-lines.ts). */
export async function verifyAuditLines(source: AuditLineSource, publicKey: KeyObject | null = null, from?: VerifyStart): Promise<AuditFileVerdict> {
  let verdict;
  let checker;
  let skipped = 0;
  try {
    // --from: the records before the start are read, not verified; the one just before it anchors the chain.
    const start = from === undefined ? undefined : await skipToStart(source.lines, from);
    if (start !== undefined && !start.ok) return fileIssue('AUDIT_BAD_JSON', start.line, start.message);
    checker = createCheckpointChecker(publicKey, start?.seed);
    skipped = start?.skipped ?? 0;
    verdict = await verifyChain(start?.rest ?? source.lines, start?.anchor ?? CHAIN_START, checker.check);
  } catch (e) {
    // Said as what to check, not as an errno: a missing log is most often a wrong --data-dir.
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return fileIssue('AUDIT_LOG_MISSING', 0, `no audit log at ${source.where} (wrong --data-dir?)`);
    return fileIssue('AUDIT_LOG_UNREADABLE', 0, describeFileProblem(e) ?? `cannot read ${source.where}: ${(e as Error).message}`);
  }
  const torn = source.tornTail();
  if (!verdict.ok) return skipped === 0 ? verdict : { ok: false, issue: { ...verdict.issue, line: verdict.issue.line + skipped } };
  if (torn !== null) {
    return fileIssue('AUDIT_TORN_TAIL', skipped + verdict.count + 1,
      `the last ${torn.bytes} bytes have no newline: a write was cut short or is still in progress`);
  }
  const summary = checker.summary();
  return { ...verdict, ...summary, skipped, unsigned: verdict.lastSeq - (summary.lastCheckpointSeq ?? 0) };
}

/** The log on disk starts after seq 1 (sealed segments archived): said as such, not as a chain error. */
async function segmentsMissing(path: string): Promise<AuditFileVerdict | null> {
  // Unreadable or not a record: the verification that follows reports it at its line.
  const first = await firstAvailableSeq(path).catch(() => null);
  if (first === null || first <= 1) return null;
  return { ok: false, issue: { code: 'AUDIT_SEGMENTS_MISSING', seq: first, line: 1, message:
    `the log starts at seq ${first}, not 1: the segments (or records) before it are not here — archived, or removed. `
    + `Verify what is here with \`--from ${first}\` (its first record's link to the one before is then trusted), `
    + 'and the archived segments together with it from their start' } };
}

const fileIssue = (code: AuditFileIssueCode, line: number, message: string): AuditFileVerdict =>
  ({ ok: false, issue: { code, seq: null, line, message } });
