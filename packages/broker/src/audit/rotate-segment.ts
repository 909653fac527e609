// Seals the active audit file once it reached the segment size: renames it to its segment name (by first seq)
// and starts an empty `audit.jsonl`, each step durable, so that a crash between any two steps leaves a log that
// start-up recovers (docs/audit-format.md "Segments"). The caller first ends the segment with a checkpoint.
import { constants } from 'node:fs';
import { access, open, rename } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { AuditAppendError } from './audit-errors.js';
import { firstSeqOf, segmentName } from './audit-segments.js';
import type { ChainState } from './recover-chain-state.js';
import { syncDirectory } from './sync-directory.js';

/** Survives a failed attempt: once the rename is done, a retry only creates the new active file. */
export type RotationProgress = { sealedTo: string | null };

/** Resolves with the sealed segment's path once the new, empty active file is durable. */
export async function rotateSegment(path: string, state: ChainState, progress: RotationProgress): Promise<string> {
  const dir = dirname(path);
  if (progress.sealedTo === null) {
    const target = join(dir, await sealedName(path, state));
    // rename() replaces silently: a segment already there would be lost.
    if (await access(target).then(() => true, () => false)) {
      throw new AuditAppendError('AUDIT_LOG_DIVERGED', `cannot seal ${path}: ${target} already exists`);
    }
    await rename(path, target);
    progress.sealedTo = target;
  }
  await syncDirectory(dir);
  // No O_TRUNC: a file that appeared meanwhile is someone else's, not ours to empty.
  const fh = await open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'EEXIST') throw new AuditAppendError('AUDIT_LOG_DIVERGED', `${path} reappeared while the segment before it was sealed`);
    throw e;
  });
  await fh.close();
  await syncDirectory(dir);
  const sealed = progress.sealedTo;
  progress.sealedTo = null;
  return sealed;
}

/** The active file must still be the one this log wrote (its size), and its first record names the segment. */
async function sealedName(path: string, state: ChainState): Promise<string> {
  const fh = await open(path, 'r');
  try {
    const stats = await fh.stat();
    if (!stats.isFile() || stats.size !== state.size) {
      throw new AuditAppendError('AUDIT_LOG_DIVERGED', `${path} is ${stats.size} bytes, not ${state.size}: something else changed it; refusing to seal it`);
    }
  } finally {
    await fh.close();
  }
  const first = await firstSeqOf(path);
  if (first === null) throw new AuditAppendError('AUDIT_LOG_DIVERGED', `${path} holds no complete record to name its segment by`);
  return segmentName(first);
}
