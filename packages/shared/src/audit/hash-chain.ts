// Verifies a sequence of audit log lines as one hash chain and names the first record that breaks it.
// Record hashing lives in record-hash.ts, single-line checks in parse-record-line.ts; the writer uses both.
import type { AuditRecord } from './audit-record.js';
import type { CheckpointIssueCode } from './check-checkpoints.js';
import { parseRecordLine, type RecordLineCode } from './parse-record-line.js';
import { GENESIS_HASH } from './record-hash.js';

export { GENESIS_HASH, canonicalJson, computeRecordHash } from './record-hash.js';

export type ChainIssueCode =
  | RecordLineCode
  | 'AUDIT_SEQ_GAP'
  | 'AUDIT_SEQ_DUPLICATE'
  | 'AUDIT_SEQ_OUT_OF_ORDER'
  | 'AUDIT_CHAIN_BROKEN'
  | CheckpointIssueCode;

export type ChainIssue = Readonly<{
  code: ChainIssueCode;
  /** The bad record's seq, or null when the line could not be read as a record. */
  seq: number | null;
  /** 1-based line number within the lines given to verifyChain. */
  line: number;
  message: string;
}>;

export type ChainVerdict =
  | Readonly<{ ok: true; count: number; lastSeq: number; lastHash: string }>
  | Readonly<{ ok: false; issue: ChainIssue }>;

/** Where the lines start: after the genesis, or (for a later segment) after a known record. */
export type ChainAnchor = Readonly<{ seq: number; hash: string }>;
export const CHAIN_START: ChainAnchor = { seq: 0, hash: GENESIS_HASH };

type Gap = { line: number; seq: number };

/** Sees every record accepted into the chain, in order (the checkpoint checker); a problem stops verification. */
export type RecordCheck = (record: AuditRecord) => Readonly<{ code: CheckpointIssueCode; message: string }> | null;

/**
 * Each line must be a sound record (parse-record-line.ts) whose seq is one more than the previous record's and
 * whose prevHash is the previous record's hash. A gap in seq is classified with one line of lookahead: if the
 * missing record comes next, the two were swapped (out of order), otherwise records were removed.
 * An empty input verifies (count 0). Records removed from the end are not detectable here: `check` (the signed
 * checkpoints, check-checkpoints.ts) narrows that to the records after the last checkpoint.
 */
export async function verifyChain(
  lines: Iterable<string> | AsyncIterable<string>,
  start: ChainAnchor = CHAIN_START,
  check?: RecordCheck,
): Promise<ChainVerdict> {
  let last = start;
  let count = 0;
  let lineNo = 0;
  let gap: Gap | null = null;
  for await (const line of lines) {
    lineNo++;
    const parsed = parseRecordLine(line);
    if (gap !== null) {
      const swapped = parsed.ok && parsed.record.seq === last.seq + 1;
      return swapped ? outOfOrder(gap, last.seq + 1) : missing(gap, last.seq);
    }
    if (!parsed.ok) return broken(parsed.code, parsed.seq, lineNo, parsed.message);
    const { seq, prevHash, hash } = parsed.record;
    if (seq === last.seq + 1) {
      if (prevHash !== last.hash) {
        return broken('AUDIT_CHAIN_BROKEN', seq, lineNo,
          `prevHash ${prevHash} is not the hash of the record before it (${last.hash}): a record was replaced or removed`);
      }
      const problem = check?.(parsed.record) ?? null;
      if (problem !== null) return broken(problem.code, seq, lineNo, problem.message);
      last = { seq, hash };
      count++;
    } else if (seq > last.seq + 1) {
      gap = { line: lineNo, seq };
    } else if (seq === last.seq) {
      const copy = hash === last.hash ? 'a copy of the record before it' : 'a second, different record with that seq';
      return broken('AUDIT_SEQ_DUPLICATE', seq, lineNo, `seq ${seq} appears twice: ${copy}`);
    } else {
      return broken('AUDIT_SEQ_OUT_OF_ORDER', seq, lineNo, `seq ${seq} comes after seq ${last.seq}: records were reordered`);
    }
  }
  if (gap !== null) return missing(gap, last.seq);
  return { ok: true, count, lastSeq: last.seq, lastHash: last.hash };
}

const broken = (code: ChainIssueCode, seq: number | null, line: number, message: string): ChainVerdict =>
  ({ ok: false, issue: { code, seq, line, message } });

const missing = (gap: Gap, lastSeq: number): ChainVerdict =>
  broken('AUDIT_SEQ_GAP', gap.seq, gap.line,
    `seq ${gap.seq} follows seq ${lastSeq}: ${describeRange(lastSeq + 1, gap.seq - 1)} missing (removed)`);

const outOfOrder = (gap: Gap, expected: number): ChainVerdict =>
  broken('AUDIT_SEQ_OUT_OF_ORDER', gap.seq, gap.line,
    `seq ${gap.seq} comes before seq ${expected}: records were reordered`);

const describeRange = (from: number, to: number): string =>
  from === to ? `record ${from} is` : `records ${from}..${to} are`;
