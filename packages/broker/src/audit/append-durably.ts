// Writes one batch of record lines to the end of the audit file and fsyncs it. The file is opened per batch
// (by path, never a cached fd) so that a replaced or removed file is noticed at the next append.
import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { parseRecordLine } from '@aws-guard/shared/audit/parse-record-line';
import { AuditAppendError } from './audit-errors.js';
import { readFileTail } from './read-file-tail.js';
import type { ChainState } from './recover-chain-state.js';

/**
 * Resolves only once `bytes` are on disk. On failure the file is cut back to `state.size` (the bytes were never
 * acknowledged) and the error rejects. `afterFailure` says the previous append failed, so the file may still
 * hold its bytes: they are removed only if the file still ends, at `state.size`, with the record `state` names.
 */
export async function appendDurably(path: string, bytes: Buffer, state: ChainState, afterFailure: boolean): Promise<void> {
  // No O_CREAT: a log that vanished is a fault to report, not a fresh start.
  const fh = await open(path, constants.O_RDWR | constants.O_APPEND).catch((e: unknown) => {
    throw new AuditAppendError('AUDIT_WRITE_FAILED', `cannot open ${path}: ${(e as Error).message}`, { cause: e });
  });
  let failure: unknown = null;
  try {
    const stats = await fh.stat();
    if (!stats.isFile()) {
      throw new AuditAppendError('AUDIT_NOT_REGULAR_FILE',
        `${path} is no longer a regular file: refusing to write the audit there`);
    }
    if (afterFailure || stats.size !== state.size) await reconcile(fh, path, stats.size, state, afterFailure);
    await writeAndSync(fh, path, bytes, state.size);
  } catch (e) {
    failure = e;
  }
  try {
    await fh.close();
  } catch (e) {
    failure ??= new AuditAppendError('AUDIT_WRITE_FAILED', `closing ${path} failed: ${(e as Error).message}`, { cause: e });
  }
  if (failure !== null) throw failure;
}

async function writeAndSync(fh: FileHandle, path: string, bytes: Buffer, goodSize: number): Promise<void> {
  try {
    for (let done = 0; done < bytes.length;) {
      const { bytesWritten } = await fh.write(bytes, done, bytes.length - done);
      if (bytesWritten === 0) throw new Error('write made no progress');
      done += bytesWritten;
    }
    await fh.sync();
  } catch (cause) {
    const rollback = await cutBack(fh, goodSize);
    throw new AuditAppendError('AUDIT_WRITE_FAILED',
      `appending to ${path} failed: ${(cause as Error).message}${rollback}`, { cause });
  }
}

/** Removes the unacknowledged bytes of a failed write; says so in the error if it cannot. */
async function cutBack(fh: FileHandle, goodSize: number): Promise<string> {
  try {
    await fh.truncate(goodSize);
    await fh.sync();
    return '';
  } catch (e) {
    return ` (and its partial write could not be removed: ${(e as Error).message}; the next append retries)`;
  }
}

async function reconcile(fh: FileHandle, path: string, size: number, state: ChainState, afterFailure: boolean): Promise<void> {
  const diverged = (why: string): AuditAppendError => new AuditAppendError('AUDIT_LOG_DIVERGED',
    `${path} ${why}; the last durable record is seq ${state.seq} ending at byte ${state.size}. `
    + 'Refusing to append: only one broker may write a data dir, and nothing else may write its audit log.');
  if (!afterFailure) throw diverged(`is ${size} bytes, not ${state.size}: something else changed it`);
  if (size < state.size) throw diverged(`shrank to ${size} bytes`);
  if (state.size > 0) {
    const tail = await readFileTail(fh, state.size, 1);
    const last = tail.lines[0];
    const parsed = last === undefined ? null : parseRecordLine(last);
    const ours = tail.completeEnd === state.size && parsed?.ok === true
      && parsed.record.seq === state.seq && parsed.record.hash === state.hash;
    if (!ours) throw diverged(`no longer holds seq ${state.seq} at byte ${state.size}`);
  } else if (size > 0) {
    throw diverged(`holds ${size} bytes this log did not acknowledge`);
  }
  if (size > state.size) {
    await fh.truncate(state.size);
    await fh.sync();
  }
}
