// What a staged root held before the CLI ran, and what changed after: files the CLI wrote (new inode, size,
// mtime or ctime) travel back to the agent; files it removed are deleted there. Symlinks are never followed.
import { lstat, readdir } from 'node:fs/promises';
import type { Stats } from 'node:fs';

export type FileState = Readonly<{ size: number; mtimeMs: number; ctimeMs: number; ino: number }>;
/** By path relative to the root; `''` when the root itself is a file. */
export type Snapshot = ReadonlyMap<string, FileState>;

const stateOf = (s: Stats): FileState => ({ size: s.size, mtimeMs: s.mtimeMs, ctimeMs: s.ctimeMs, ino: s.ino });

const walk = async (dir: string, rel: string, out: Map<string, FileState>): Promise<void> => {
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const name of names.sort()) {
    const path = `${dir}/${name}`;
    const relPath = rel === '' ? name : `${rel}/${name}`;
    const info = await lstat(path);
    if (info.isDirectory()) await walk(path, relPath, out);
    else if (info.isFile()) out.set(relPath, stateOf(info));
  }
};

export const snapshotRoot = async (abs: string): Promise<Snapshot> => {
  const out = new Map<string, FileState>();
  const info = await lstat(abs).catch(() => null);
  if (info === null) return out;
  if (info.isFile()) out.set('', stateOf(info));
  else if (info.isDirectory()) await walk(abs, '', out);
  return out;
};

const same = (a: FileState, b: FileState): boolean => a.size === b.size && a.mtimeMs === b.mtimeMs && a.ctimeMs === b.ctimeMs && a.ino === b.ino;

export type RootChanges = Readonly<{ written: readonly (FileState & { rel: string })[]; removed: readonly string[] }>;

export const diffSnapshots = (before: Snapshot, after: Snapshot): RootChanges => ({
  written: [...after].filter(([rel, state]) => {
    const was = before.get(rel);
    return was === undefined || !same(was, state);
  }).map(([rel, state]) => ({ rel, ...state })),
  removed: [...before.keys()].filter((rel) => !after.has(rel)),
});
