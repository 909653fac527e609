// The shim writing back what a (possibly malicious) broker sends: unsafe names and roots the command does not
// write are refused, nothing appears outside the root, and no temporary file survives a failure or an abort.
import t from 'tap';
import { lstat, mkdir, mkdtemp, readdir, readFile, realpath, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { FileRootRequest, FileRootStat } from '@aws-guard/shared/protocol/messages';
import type { LocalRoot } from '../../src/files/describe-local-root.js';
import { createDownloader } from '../../src/files/download-files.js';

const base = await realpath(await mkdtemp(join(tmpdir(), 'download-files-')));

/** Every path under `dir` (not following symlinks), with its kind and, for files, content. */
const snapshot = async (dir: string, rel = ''): Promise<Record<string, string>> => {
  const out: Record<string, string> = {};
  for (const name of (await readdir(join(dir, rel))).sort()) {
    const path = rel === '' ? name : `${rel}/${name}`;
    const info = await lstat(join(dir, path));
    if (info.isDirectory()) Object.assign(out, { [path]: 'dir' }, await snapshot(dir, path));
    else if (info.isSymbolicLink()) out[path] = 'link';
    else out[path] = `file:${(await readFile(join(dir, path))).toString('hex').slice(0, 40)}`;
  }
  return out;
};

type Kind = FileRootStat['kind'];
const root = (id: number, absPath: string | null, kind: Kind, writes: boolean): LocalRoot => {
  const request: FileRootRequest = { id, path: `p${id}`, expand: true, tree: kind === 'dir', followSymlinks: true, writes };
  return { request, absPath, stat: { type: 'files.root', id, kind }, entries: [] };
};

/** A place with `root/` (written), `ro/` (read only), `out.bin` (an outfile), `outside/` to be left alone. */
const place = async (name: string) => {
  const dir = join(base, name);
  await mkdir(join(dir, 'root', 'sub'), { recursive: true });
  await mkdir(join(dir, 'ro'), { recursive: true });
  await mkdir(join(dir, 'outside'), { recursive: true });
  await writeFile(join(dir, 'outside', 'keep.txt'), 'keep');
  await writeFile(join(dir, 'root', 'old.txt'), 'old');
  // A missing root may become a file (an outfile) or a directory (s3 cp --recursive into a new one): the
  // broker's names decide, so a name under it is not refused.
  const roots = new Map<number, LocalRoot>([
    [0, root(0, join(dir, 'root'), 'dir', true)],
    [1, root(1, join(dir, 'ro'), 'dir', false)],
    [2, root(2, join(dir, 'out.bin'), 'missing', true)],
    [3, root(3, null, 'refused', true)],
  ]);
  const stderr = new Writable({ write: (_c, _e, cb) => cb() });
  const downloader = createDownloader({ stderr, stderrIsTTY: false }, () => roots);
  return { dir, roots, downloader };
};

/** begin's answer: its refusal, an error it threw, or undefined when it accepted. */
const tryBegin = (d: Awaited<ReturnType<typeof place>>['downloader'], id: number, rel: string) =>
  d.begin(id, rel, 3, Date.parse('2020-01-02T03:04:05Z')).catch((e: Error) => `threw: ${e.message}`);

const UNSAFE = ['../x', '../../escape', '/abs', '/etc/passwd', 'a/../../x', 'sub/../../x', 'a/./b', './a', '.', '..', 'a//b', 'a/', '/', 'a\0b', '\0', 'x\n', 'x\r/y', 'a\x7f', `${'n'.repeat(256)}`];

t.test('unsafe names from the broker are refused and create nothing', async (t) => {
  for (const rel of UNSAFE) {
    const p = await place(`unsafe-${UNSAFE.indexOf(rel)}`);
    const before = await snapshot(base);
    const answer = await tryBegin(p.downloader, 0, rel);
    t.match(answer, /^the broker sent an unsafe file name: /, `${JSON.stringify(rel)}: refused`);
    t.equal(await p.downloader.write(Buffer.from('evil')), 'the broker sent file data outside a file', `${JSON.stringify(rel)}: no file is open`);
    t.equal(await p.downloader.end(), 'the broker ended a file it never began');
    t.same(await snapshot(base), before, `${JSON.stringify(rel)}: the filesystem is unchanged`);
  }
});

t.test('roots the command does not write are refused', async (t) => {
  const p = await place('not-writes');
  const before = await snapshot(base);
  for (const [id, why] of [[1, 'a read-only root'], [3, 'a root the shim could not resolve'], [7, 'a root never described']] as const) {
    t.match(await tryBegin(p.downloader, id, 'x.txt'), /^the broker tried to write a local path the command does not write/, `${why}: begin refused`);
    t.match(await p.downloader.remove(id, 'x.txt'), /^the broker tried to write a local path the command does not write/, `${why}: delete refused`);
  }
  t.same(await snapshot(base), before, 'the filesystem is unchanged');
});

t.test('a name that does not fit the root is refused and leaves nothing, not even a temporary file', async (t) => {
  // '' on a directory would put the temporary file beside the root, then fail to rename it over the directory.
  for (const [id, rel, why] of [[0, '', 'the directory root itself'], [4, 'x', 'a file under an existing file']] as const) {
    const p = await place(`misfit-${id}`);
    await writeFile(join(p.dir, 'exists.bin'), 'was');
    p.roots.set(4, root(4, join(p.dir, 'exists.bin'), 'file', true));
    const before = await snapshot(base);
    const began = await tryBegin(p.downloader, id, rel);
    let failed = began !== undefined;
    if (!failed) {
      await p.downloader.write(Buffer.from('abc'));
      const ended = await p.downloader.end().catch((e: Error) => `threw: ${e.message}`);
      failed = ended !== undefined;
    }
    await p.downloader.abort();
    t.ok(failed, `${why}: the download fails`);
    t.same(await snapshot(base), before, `${why}: the filesystem is unchanged`);
  }
});

t.test('a file that cannot be renamed into place fails without leaving its temporary file', async (t) => {
  const p = await place('rename-fails');
  t.equal(await tryBegin(p.downloader, 0, 'sub/x.txt'), undefined);
  await p.downloader.write(Buffer.from('abc'));
  // Meanwhile a directory took the name: rename(2) cannot put a file over it.
  await mkdir(join(p.dir, 'root', 'sub', 'x.txt', 'inner'), { recursive: true });
  const ended = await p.downloader.end().catch((e: NodeJS.ErrnoException) => `threw: ${e.code}`);
  t.match(ended, /^threw: E/, 'the download fails');
  t.same(Object.keys(await snapshot(join(p.dir, 'root'))).filter((k) => k.endsWith('.part')), [], 'no temporary file remains');
});

t.test('a directory that cannot be created fails the download instead of spinning', async (t) => {
  // mkdir(2) answers ENOENT under /proc although the parent exists; Node's recursive mkdir then loops forever.
  const p = await place('proc');
  p.roots.set(5, root(5, '/proc/aws-guard-nonexistent/deeper/out.bin', 'missing', true));
  let timer: NodeJS.Timeout | undefined;
  const answer = await Promise.race([
    tryBegin(p.downloader, 5, ''),
    new Promise((resolve) => (timer = setTimeout(() => resolve('still running after 5 s'), 5_000))),
  ]);
  clearTimeout(timer);
  t.match(answer, /^threw: .*ENOENT/u, `the download fails: ${String(answer)}`);
});

t.test('a complete download lands under its name with the mtime given; the temporary file is gone', async (t) => {
  const p = await place('complete');
  t.equal(await tryBegin(p.downloader, 0, 'new/deep/file.txt'), undefined);
  const during = await snapshot(join(p.dir, 'root'));
  t.ok(Object.keys(during).some((k) => /^new\/deep\/\.file\.txt\.aws-guard-[0-9a-f]{8}\.part$/u.test(k)), 'written under a temporary name first');
  t.notOk('new/deep/file.txt' in during, 'not under the real name yet');
  t.equal(await p.downloader.write(Buffer.from('abc')), undefined);
  t.equal(await p.downloader.end(), undefined);
  t.equal(await readFile(join(p.dir, 'root', 'new', 'deep', 'file.txt'), 'utf8'), 'abc');
  t.equal((await stat(join(p.dir, 'root', 'new', 'deep', 'file.txt'))).mtime.toISOString(), '2020-01-02T03:04:05.000Z');
  t.same(Object.keys(await snapshot(join(p.dir, 'root'))).filter((k) => k.endsWith('.part')), [], 'no temporary file remains');
  // An outfile root is written at its own path.
  t.equal(await tryBegin(p.downloader, 2, ''), undefined);
  await p.downloader.write(Buffer.from('out'));
  t.equal(await p.downloader.end(), undefined);
  t.equal(await readFile(join(p.dir, 'out.bin'), 'utf8'), 'out');
  t.same(Object.keys(await snapshot(p.dir)).filter((k) => k.endsWith('.part')), [], 'no temporary file beside it');
});

t.test('an aborted or superseded download leaves no temporary file and keeps the old content', async (t) => {
  const p = await place('aborted');
  const before = await snapshot(base);
  t.equal(await tryBegin(p.downloader, 0, 'old.txt'), undefined);
  await p.downloader.write(Buffer.from('par'));
  await p.downloader.abort();
  t.same(await snapshot(base), before, 'abort: unchanged, old.txt still old');
  t.equal(await tryBegin(p.downloader, 0, 'old.txt'), undefined);
  await p.downloader.write(Buffer.from('first'));
  t.equal(await tryBegin(p.downloader, 0, 'sub/second.txt'), undefined, 'a new begin supersedes the open file');
  await p.downloader.abort();
  t.same(await snapshot(base), before, 'superseded and aborted: unchanged');
});

t.test('symlinks at the target name are replaced, never written through', async (t) => {
  const p = await place('links');
  await symlink(join(p.dir, 'outside', 'keep.txt'), join(p.dir, 'root', 'link.txt'));
  t.equal(await tryBegin(p.downloader, 0, 'link.txt'), undefined);
  await p.downloader.write(Buffer.from('new'));
  t.equal(await p.downloader.end(), undefined);
  t.equal(await readFile(join(p.dir, 'outside', 'keep.txt'), 'utf8'), 'keep', 'the link target is untouched');
  t.ok((await lstat(join(p.dir, 'root', 'link.txt'))).isFile(), 'the link became a regular file');
  // A deletion removes the link, not what it points to.
  await symlink(join(p.dir, 'outside', 'keep.txt'), join(p.dir, 'root', 'link2.txt'));
  t.equal(await p.downloader.remove(0, 'link2.txt'), undefined);
  t.equal(await readFile(join(p.dir, 'outside', 'keep.txt'), 'utf8'), 'keep');
  await t.rejects(lstat(join(p.dir, 'root', 'link2.txt')), 'the link is gone');
});

t.test('deletions: unsafe names refused, the root itself never removed, a missing file is no error', async (t) => {
  const p = await place('deletes');
  const before = await snapshot(base);
  for (const rel of UNSAFE) t.match(await p.downloader.remove(0, rel), /^the broker sent an unsafe file name: /, `${JSON.stringify(rel)}: refused`);
  const whole = await p.downloader.remove(0, '').catch((e: Error) => `threw: ${e.message}`);
  t.not(whole, undefined, 'deleting the directory root itself fails');
  t.equal(await p.downloader.remove(0, 'never-there.txt'), undefined, 'a file already gone is not an error');
  t.same(await snapshot(base), before, 'the filesystem is unchanged');
  t.equal(await p.downloader.remove(0, 'old.txt'), undefined);
  await t.rejects(lstat(join(p.dir, 'root', 'old.txt')), 'a real deletion happens');
});
