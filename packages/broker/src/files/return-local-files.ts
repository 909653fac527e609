// After the CLI ran: every file it wrote under a root the command writes goes back to the agent, and every
// file it removed under a root the command deletes from is deleted there (s3 mv, s3 sync --delete).
import { formatBytes } from '@aws-guard/shared/format-bytes';
import { fail, ok, type Result } from '@aws-guard/shared/result';
import type { FileExchange, FileLimits } from './file-exchange.js';
import { stagedPath, type StagedRoot } from './stage-local-files.js';
import { diffSnapshots, snapshotRoot, type Snapshot } from './tree-snapshot.js';

export type Returned = Readonly<{ files: number; bytes: number; deleted: number }>;

export const snapshotOutputs = async (roots: readonly StagedRoot[]): Promise<ReadonlyMap<number, Snapshot>> =>
  new Map(await Promise.all(roots.filter((r) => r.plan.writes || r.plan.deletes).map(async (r) => [r.plan.id, await snapshotRoot(r.abs)] as const)));

export const returnLocalFiles = async (
  exchange: FileExchange,
  roots: readonly StagedRoot[],
  before: ReadonlyMap<number, Snapshot>,
  limits: FileLimits,
): Promise<Result<Returned, 'FILE_TOO_LARGE' | 'FILE_CANCELLED'>> => {
  const changes = await Promise.all(roots.filter((r) => before.has(r.plan.id)).map(async (r) => ({ root: r, ...diffSnapshots(before.get(r.plan.id) as Snapshot, await snapshotRoot(r.abs)) })));
  const written = changes.flatMap((c) => (c.root.plan.writes ? c.written.map((w) => ({ root: c.root, ...w })) : []));
  // Checked before the first byte moves: the agent gets all of the CLI's files or a clear refusal, not half.
  let total = 0;
  for (const w of written) {
    const name = w.rel === '' ? w.root.plan.path : `${w.root.plan.path.replace(/\/+$/u, '')}/${w.rel}`;
    if (w.size > limits.maxFileBytes) return fail('FILE_TOO_LARGE', `the CLI wrote ${name} (${formatBytes(w.size)}), more than the broker returns per file (${formatBytes(limits.maxFileBytes)}, files.maxFileBytes); it was not returned`);
    total += w.size;
  }
  if (total > limits.maxTotalBytes) return fail('FILE_TOO_LARGE', `the CLI wrote ${formatBytes(total)} of files, more than the broker returns per command (${formatBytes(limits.maxTotalBytes)}, files.maxTotalBytes); none were returned`);
  for (const w of written)
    if (!(await exchange.send(w.root.plan.id, w.rel, stagedPath(w.root, w.rel), w.size, w.mtimeMs)))
      return fail('FILE_CANCELLED', 'the command was cancelled while its files were returned');
  let deleted = 0;
  for (const c of changes)
    if (c.root.plan.deletes)
      for (const rel of c.removed) {
        exchange.remove(c.root.plan.id, rel);
        deleted += 1;
      }
  return ok({ files: written.length, bytes: total, deleted });
};
