// Start-up: finds where the chain on disk ends (seq, hash, byte length) from the file's tail alone (or, for an empty
// active file, the last sealed segment's), creating the file if absent, and sets aside a torn last line left by a
// crash mid-write (docs/audit-format.md).
import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { MAX_RECORD_BYTES } from '@aws-guard/shared/audit/audit-record';
import { GENESIS_HASH } from '@aws-guard/shared/audit/hash-chain';
import { parseRecordLine } from '@aws-guard/shared/audit/parse-record-line';
import { AuditOpenError } from './audit-errors.js';
import { listSealedSegments } from './audit-segments.js';
import { syncDirectory } from './sync-directory.js';
import { readFileTail } from './read-file-tail.js';

/** The last durable record, and the file length just after its newline. */
export type ChainState = Readonly<{ seq: number; hash: string; size: number }>;

export type TornTail = Readonly<{ bytes: number; offset: number; savedTo: string }>;

export type Recovery = Readonly<{ state: ChainState; tornTail: TornTail | null }>;

/**
 * A torn last line (bytes after the last newline) was never acknowledged: appends resolve only after their
 * whole batch is written and fsynced, so no command ran on its strength. It is copied to
 * `audit.jsonl.torn-<offset>-<time>` (evidence is never destroyed), then cut from the log so the chain continues
 * from the last complete record. A last complete record that is not sound stops start-up instead.
 */
export async function recoverChainState(path: string, clock: () => Date): Promise<Recovery> {
  const fh = await openOrCreate(path);
  try {
    const stats = await fh.stat();
    if (!stats.isFile()) throw new AuditOpenError('AUDIT_OPEN_FAILED', `${path} is not a regular file`);
    const tail = await readFileTail(fh, stats.size, 1, 2 * MAX_RECORD_BYTES + 2);
    if (tail.completeEnd === null || tail.torn.length > MAX_RECORD_BYTES) {
      throw new AuditOpenError('AUDIT_TAIL_TOO_LONG',
        `${path} ends with more than ${MAX_RECORD_BYTES} bytes after its last newline: not a torn record; `
        + 'inspect the file and run `aws-guard audit verify`');
    }
    // An empty active file follows a rotation (or a crash inside one): the chain continues from the last sealed segment.
    const state = tail.completeEnd === 0 ? await sealedHead(path) : lastRecordState(path, tail.lines, tail.completeEnd);
    if (tail.torn.length === 0) return { state, tornTail: null };
    const tornTail = await setAsideTornTail(fh, path, tail.torn, tail.completeEnd, clock);
    return { state, tornTail };
  } finally {
    await fh.close();
  }
}

function lastRecordState(path: string, lines: string[], completeEnd: number): ChainState {
  if (completeEnd === 0) return { seq: 0, hash: GENESIS_HASH, size: 0 };
  const [line] = lines;
  if (line === undefined) {
    throw new AuditOpenError('AUDIT_TAIL_CORRUPT', `${path}: the last line is longer than any record can be`);
  }
  const parsed = parseRecordLine(line);
  if (!parsed.ok) {
    throw new AuditOpenError('AUDIT_TAIL_CORRUPT',
      `${path}: the last record (ending at byte ${completeEnd}) is not sound (${parsed.code}: ${parsed.message}); `
      + 'the broker will not extend a log it cannot trust: run `aws-guard audit verify`');
  }
  return { seq: parsed.record.seq, hash: parsed.record.hash, size: completeEnd };
}

/** The last record of the newest sealed segment, as the head of an empty active file (genesis if none). */
async function sealedHead(path: string): Promise<ChainState> {
  const last = (await listSealedSegments(path)).at(-1);
  if (last === undefined) return { seq: 0, hash: GENESIS_HASH, size: 0 };
  const fh = await open(last.path, 'r');
  try {
    const tail = await readFileTail(fh, (await fh.stat()).size, 1, 2 * MAX_RECORD_BYTES + 2);
    // A sealed segment was fsynced whole, ending with a newline, before it was renamed.
    if (tail.torn.length > 0 || tail.completeEnd === null || tail.completeEnd === 0) {
      throw new AuditOpenError('AUDIT_TAIL_CORRUPT', `${last.path}: the sealed segment is empty or does not end with a complete record; `
        + 'the broker will not extend a log it cannot trust: run `aws-guard audit verify`');
    }
    const state = lastRecordState(last.path, tail.lines, tail.completeEnd);
    return { seq: state.seq, hash: state.hash, size: 0 };
  } finally {
    await fh.close();
  }
}

async function setAsideTornTail(
  fh: FileHandle, path: string, torn: Buffer, offset: number, clock: () => Date,
): Promise<TornTail> {
  const stamp = clock().toISOString().replace(/[-:.]/g, '');
  const savedTo = `${path}.torn-${offset}-${stamp}`;
  const copy = await open(savedTo, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
  try {
    await copy.writeFile(torn);
    await copy.sync();
  } finally {
    await copy.close();
  }
  await fh.truncate(offset);
  await fh.sync();
  await syncDirectory(dirname(path));
  return { bytes: torn.length, offset, savedTo: basename(savedTo) };
}

async function openOrCreate(path: string): Promise<FileHandle> {
  try {
    return await open(path, constants.O_RDWR);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new AuditOpenError('AUDIT_OPEN_FAILED', `cannot open ${path}: ${(e as Error).message}`, { cause: e });
    }
  }
  const fh = await open(path, constants.O_RDWR | constants.O_CREAT | constants.O_EXCL, 0o600);
  // The new directory entry must be durable too, or a crash could lose the file along with its records.
  await syncDirectory(dirname(path));
  return fh;
}
