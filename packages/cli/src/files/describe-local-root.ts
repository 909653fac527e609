// What the shim tells the broker about one local root: missing, a file (size, mtime) or a directory, and for a
// tree every regular file under it. Symlinks that lead out of the tree are refused rather than followed.
import { lstat, readdir, realpath, stat } from 'node:fs/promises';
import type { FileEntry, FileRootRequest, FileRootStat } from '@aws-guard/shared/protocol/messages';
import { expandLocalPath, type ExpandInput } from './expand-local-path.js';

export type LocalRoot = Readonly<{
  request: FileRootRequest;
  /** Absolute agent path, or null when the path could not be expanded. */
  absPath: string | null;
  stat: FileRootStat;
  entries: readonly FileEntry[];
}>;

export type AgentPlace = Omit<ExpandInput, 'path' | 'expand'>;

/** Stops a walk that would never end (a huge tree); the broker enforces its own, lower, limit. */
const MAX_ENTRIES = 1_000_000;

const refused = (request: FileRootRequest, absPath: string | null, message: string): LocalRoot => ({
  request,
  absPath,
  stat: { type: 'files.root', id: request.id, kind: 'refused', message },
  entries: [],
});

const inside = (root: string, path: string): boolean => path === root || path.startsWith(root.endsWith('/') ? root : `${root}/`);

type Walk = { entries: FileEntry[]; visited: Set<string>; problem: string | null };

const walk = async (dir: string, rel: string, rootReal: string, follow: boolean, acc: Walk): Promise<void> => {
  const names = (await readdir(dir)).sort();
  for (const name of names) {
    if (acc.problem !== null) return;
    const path = `${dir}/${name}`;
    const relPath = rel === '' ? name : `${rel}/${name}`;
    const link = await lstat(path);
    let info = link;
    if (link.isSymbolicLink()) {
      // --no-follow-symlinks: the CLI skips them; otherwise it follows, but never out of the tree we send.
      if (!follow) continue;
      const target = await realpath(path).catch(() => null);
      if (target === null) continue; // dangling: the CLI warns and skips it too
      if (!inside(rootReal, target)) {
        acc.problem = `${relPath} is a symlink to ${target}, outside the directory being transferred: aws-guard sends only files inside it`;
        return;
      }
      info = await stat(path);
      if (info.isDirectory()) {
        if (acc.visited.has(target)) continue; // a loop back into the tree
        acc.visited.add(target);
      }
    }
    if (info.isDirectory()) await walk(path, relPath, rootReal, follow, acc);
    else if (info.isFile()) {
      acc.entries.push({ path: relPath, size: info.size, mtimeMs: info.mtimeMs });
      if (acc.entries.length > MAX_ENTRIES) {
        acc.problem = `more than ${MAX_ENTRIES} files under the directory`;
        return;
      }
    }
    // Sockets, FIFOs and devices are skipped, as the CLI skips them.
  }
};

export const describeLocalRoot = async (request: FileRootRequest, place: AgentPlace): Promise<LocalRoot> => {
  const expanded = expandLocalPath({ ...place, path: request.path, expand: request.expand });
  if (!expanded.ok) return refused(request, null, expanded.issue.message);
  const absPath = expanded.value;
  const info = await stat(absPath).catch((e: NodeJS.ErrnoException) => (e.code === 'ENOENT' || e.code === 'ENOTDIR' ? null : e));
  if (info === null) return { request, absPath, stat: { type: 'files.root', id: request.id, kind: 'missing' }, entries: [] };
  if (info instanceof Error) return refused(request, absPath, `${request.path}: ${info.code ?? info.message}`);
  const base = { type: 'files.root' as const, id: request.id, size: info.size, mtimeMs: info.mtimeMs };
  if (info.isFile()) return { request, absPath, stat: { ...base, kind: 'file' }, entries: [] };
  if (!info.isDirectory()) return refused(request, absPath, `${request.path} is neither a file nor a directory`);
  if (!request.tree) return { request, absPath, stat: { ...base, kind: 'dir' }, entries: [] };
  const rootReal = await realpath(absPath);
  const acc: Walk = { entries: [], visited: new Set([rootReal]), problem: null };
  try {
    await walk(absPath, '', rootReal, request.followSymlinks, acc);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    return refused(request, absPath, `${request.path}: cannot list the directory (${err.code ?? err.message})`);
  }
  if (acc.problem !== null) return refused(request, absPath, `${request.path}: ${acc.problem}`);
  return { request, absPath, stat: { ...base, kind: 'dir' }, entries: acc.entries };
};
