// Puts the agent's local files where the CLI will look for them in the request's sandbox (plan-local-files.ts):
// single files and whole trees with their bytes, upload trees and sync destinations as stubs (same size and
// mtime, no content) so that the CLI's own comparison decides what moves.
import { mkdir, open, rm, utimes } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { dirname, resolve } from 'node:path';
import { canonicalJson } from '@aws-guard/shared/audit/hash-chain';
import { fail, ok, type Result } from '@aws-guard/shared/result';
import { joinRel } from '@aws-guard/shared/files/safe-rel-path';
import type { FileEntry } from '@aws-guard/shared/protocol/messages';
import { formatBytes } from '@aws-guard/shared/format-bytes';
import { fileKey, type ExchangeCode, type Fetch, type FileExchange, type FileLimits, type Listed } from './file-exchange.js';
import type { RootPlan } from './plan-local-files.js';

export type StageCode = ExchangeCode | 'FILE_REFUSED_BY_AGENT';

export type StagedRoot = Readonly<{ plan: RootPlan; abs: string; listed: Listed }>;

export type Staged = Readonly<{
  roots: readonly StagedRoot[];
  /** What the approval hash covers: file digests and tree listings, by root. */
  digests: readonly string[];
  /** Files and bytes received from the agent so far. */
  filesIn: number;
  bytesIn: number;
}>;

export const stagedPath = (root: StagedRoot, rel: string): string => joinRel(root.abs, rel);

const label = (root: StagedRoot, rel: string): string => (rel === '' ? root.plan.path : `${root.plan.path.replace(/\/+$/u, '')}/${rel}`);

export const fetchOf = (root: StagedRoot, rel: string, size: number, mtimeMs: number): Fetch =>
  ({ id: root.plan.id, rel, dest: stagedPath(root, rel), size, mtimeMs, label: label(root, rel) });

/** Per file and in total, against the broker's limits: the refusal names the file. */
export const checkSizes = (files: readonly Fetch[], limits: FileLimits): Result<void, 'FILE_TOO_LARGE'> => {
  let total = 0;
  for (const f of files) {
    if (f.size > limits.maxFileBytes)
      return fail('FILE_TOO_LARGE', `${f.label} is ${formatBytes(f.size)}, more than the broker accepts per file (${formatBytes(limits.maxFileBytes)}, files.maxFileBytes)`);
    total += f.size;
  }
  if (total > limits.maxTotalBytes)
    return fail('FILE_TOO_LARGE', `the command's local files come to ${formatBytes(total)}, more than the broker accepts per command (${formatBytes(limits.maxTotalBytes)}, files.maxTotalBytes)`);
  return ok(undefined);
};

const makeStub = async (path: string, entry: Pick<FileEntry, 'size' | 'mtimeMs'>): Promise<void> => {
  await mkdir(dirname(path), { recursive: true });
  const handle = await open(path, 'wx', 0o600);
  await handle.truncate(entry.size);
  await handle.close();
  const seconds = entry.mtimeMs / 1000;
  // Stubs stay readable: the CLI skips unreadable files in its comparison ("File/Directory is not readable").
  await utimes(path, seconds, seconds);
};

/** Fetches files into place (replacing stubs) and returns their digests. */
export const fetchInto = async (exchange: FileExchange, files: readonly Fetch[]): Promise<Result<ReadonlyMap<string, string>, ExchangeCode>> => {
  for (const f of files) {
    await rm(f.dest, { force: true });
    await mkdir(dirname(f.dest), { recursive: true });
  }
  return exchange.fetch(files);
};

export const stageLocalFiles = async (
  input: { exchange: FileExchange; work: string; limits: FileLimits; requestId: string },
  plans: readonly RootPlan[],
): Promise<Result<Staged, StageCode>> => {
  const listing = await input.exchange.list(
    input.requestId,
    plans.map((p) => ({ id: p.id, path: p.path, expand: p.expand, tree: p.tree, followSymlinks: p.followSymlinks, writes: p.writes || p.deletes })),
  );
  if (!listing.ok) return listing;
  const roots = plans.map((plan): StagedRoot => ({ plan, abs: resolve(input.work, plan.stageRel), listed: listing.value.get(plan.id) as Listed }));
  const refused = roots.find((r) => r.listed.stat.kind === 'refused');
  if (refused !== undefined) return fail('FILE_REFUSED_BY_AGENT', refused.listed.stat.message ?? `${refused.plan.path}: the agent refused to send it`);

  const fetches: Fetch[] = [];
  for (const root of roots) {
    const { stat, entries } = root.listed;
    await mkdir(dirname(root.abs), { recursive: true });
    if (stat.kind === 'missing') continue;
    if (stat.kind === 'file') {
      if (root.plan.reads === 'state') await makeStub(root.abs, { size: stat.size ?? 0, mtimeMs: stat.mtimeMs ?? 0 });
      else if (root.plan.reads !== 'none') fetches.push(fetchOf(root, '', stat.size ?? 0, stat.mtimeMs ?? 0));
      continue;
    }
    await mkdir(root.abs, { recursive: true });
    if (root.plan.reads === 'tree') fetches.push(...entries.map((e) => fetchOf(root, e.path, e.size, e.mtimeMs)));
    if (root.plan.reads === 'tree-needed' || root.plan.reads === 'state') for (const e of entries) await makeStub(stagedPath(root, e.path), e);
  }
  const sizes = checkSizes(fetches, input.limits);
  if (!sizes.ok) return sizes;
  const fetched = await fetchInto(input.exchange, fetches);
  if (!fetched.ok) return fetched;
  const digests = roots.map((root) =>
    root.listed.stat.kind === 'file' && fetched.value.has(fileKey(root.plan.id, ''))
      ? `${root.plan.id}:sha256:${fetched.value.get(fileKey(root.plan.id, ''))}`
      : `${root.plan.id}:listing:${createHash('sha256').update(canonicalJson({ stat: { ...root.listed.stat }, entries: root.listed.entries.map((e) => ({ ...e })) })).digest('hex')}`,
  );
  return ok({ roots, digests, filesIn: fetches.length, bytesIn: fetches.reduce((n, f) => n + f.size, 0) });
};
