// Writes the files the CLI produced on the broker into the agent's filesystem, and applies its deletions.
// Each file lands under a temporary name and is renamed into place only when complete, so a cancelled or
// broken transfer never leaves a partial file under the real name. Paths are checked against the root.
import { mkdir, open, rename, rm, unlink, utimes, type FileHandle } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { randomBytes } from 'node:crypto';
import { describeRelPathProblem, joinRel, relPathProblem } from '@aws-guard/shared/files/safe-rel-path';
import type { LocalRoot } from './describe-local-root.js';
import { startProgress, type TransferProgress } from './transfer-progress.js';

export type DownloadLink = Readonly<{ stderr: NodeJS.WritableStream; stderrIsTTY: boolean }>;

type Current = { target: string; temp: string; handle: FileHandle; mtimeMs: number; progress: TransferProgress };

export type Downloader = Readonly<{
  /** Each returns a failure message, or undefined; they must be called in arrival order (one chain). */
  begin: (id: number, rel: string, size: number, mtimeMs: number) => Promise<string | undefined>;
  write: (chunk: Buffer) => Promise<string | undefined>;
  end: () => Promise<string | undefined>;
  remove: (id: number, rel: string) => Promise<string | undefined>;
  /** Removes the temporary file of a transfer that did not finish. */
  abort: () => Promise<void>;
}>;

/**
 * mkdir -p without `{ recursive: true }`: Node's loops forever where mkdir(2) says ENOENT although the parent
 * exists (under /proc, /sys), which a path the agent wrote can reach. A file in the way fails at open().
 */
const makeDirs = async (dir: string): Promise<void> => {
  const first = await mkdir(dir).then(() => null, (e: NodeJS.ErrnoException) => e);
  if (first === null || first.code === 'EEXIST') return;
  if (first.code !== 'ENOENT' || dirname(dir) === dir) throw first;
  await makeDirs(dirname(dir));
  await mkdir(dir).catch((e: NodeJS.ErrnoException) => {
    if (e.code !== 'EEXIST') throw e;
  });
};

export const createDownloader = (link: DownloadLink, roots: () => ReadonlyMap<number, LocalRoot>): Downloader => {
  let current: Current | undefined;

  const target = (id: number, rel: string): { ok: true; path: string } | { ok: false; message: string } => {
    const root = roots().get(id);
    if (root === undefined || root.absPath === null || !root.request.writes) return { ok: false, message: `the broker tried to write a local path the command does not write (root ${id})` };
    const problem = relPathProblem(rel);
    if (problem !== null) return { ok: false, message: `the broker sent an unsafe file name: ${describeRelPathProblem(rel, problem)}` };
    // A directory is never replaced by a file: the temporary file would sit beside it, outside the root.
    if (rel === '' && root.stat.kind === 'dir') return { ok: false, message: `the broker named the directory ${root.request.path} itself as a file` };
    return { ok: true, path: joinRel(root.absPath, rel) };
  };

  const abort = async () => {
    const open = current;
    current = undefined;
    if (open === undefined) return;
    await open.handle.close().catch(() => undefined);
    await rm(open.temp, { force: true });
  };

  return Object.freeze({
    begin: async (id, rel, size, mtimeMs) => {
      await abort();
      const where = target(id, rel);
      if (!where.ok) return where.message;
      await makeDirs(dirname(where.path));
      const temp = `${dirname(where.path)}/.${basename(where.path).slice(0, 200)}.aws-guard-${randomBytes(4).toString('hex')}.part`;
      const handle = await open(temp, 'wx', 0o644);
      const progress = startProgress({ stderr: link.stderr, isTTY: link.stderrIsTTY, verb: 'downloading', name: rel === '' ? basename(where.path) : rel, total: size });
      current = { target: where.path, temp, handle, mtimeMs, progress };
      return undefined;
    },
    write: async (chunk) => {
      if (current === undefined) return 'the broker sent file data outside a file';
      await current.handle.write(chunk);
      current.progress.advance(chunk.length);
      return undefined;
    },
    end: async () => {
      const done = current;
      if (done === undefined) return 'the broker ended a file it never began';
      current = undefined;
      await done.handle.close();
      done.progress.done();
      // The CLI sets a downloaded file's mtime to the object's LastModified; sync depends on it.
      const seconds = done.mtimeMs / 1000;
      try {
        await utimes(done.temp, seconds, seconds);
        await rename(done.temp, done.target);
      } catch (e) {
        await rm(done.temp, { force: true });
        throw e;
      }
      return undefined;
    },
    remove: async (id, rel) => {
      const where = target(id, rel);
      if (!where.ok) return where.message;
      await unlink(where.path).catch((e: NodeJS.ErrnoException) => {
        if (e.code !== 'ENOENT') throw e;
      });
      return undefined;
    },
    abort,
  });
};
