// What the CLI wrote and removed under a staged root, seen by comparing inode, size, mtime and ctime.
import t from 'tap';
import { mkdir, rename, rm, utimes, writeFile, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { diffSnapshots, snapshotRoot } from '@aws-guard/broker/files/tree-snapshot';

t.test('new, rewritten, replaced, touched and removed files are told apart from untouched ones', async (t) => {
  const dir = t.testdir({ keep: 'k', rewrite: 'r', replace: 'p', touch: 't', gone: 'g', sub: { deep: 'd' } });
  const before = await snapshotRoot(dir);
  t.same([...before.keys()].sort(), ['gone', 'keep', 'replace', 'rewrite', 'sub/deep', 'touch']);
  await new Promise((r) => setTimeout(r, 20));
  await writeFile(join(dir, 'rewrite'), 'R');
  await writeFile(join(dir, 'new.tmp'), 'P');
  await rename(join(dir, 'new.tmp'), join(dir, 'replace'));
  await utimes(join(dir, 'touch'), new Date('2001-01-01'), new Date('2001-01-01'));
  await rm(join(dir, 'gone'));
  await mkdir(join(dir, 'sub', 'new'), { recursive: true });
  await writeFile(join(dir, 'sub', 'new', 'file'), 'n');
  await symlink('/etc/passwd', join(dir, 'link'));
  const changes = diffSnapshots(before, await snapshotRoot(dir));
  t.same(changes.written.map((w) => w.rel).sort(), ['replace', 'rewrite', 'sub/new/file', 'touch'], 'symlinks are not files to return');
  t.same(changes.removed, ['gone']);
});

t.test('a root that is a file is the entry "", a missing root is empty', async (t) => {
  const dir = t.testdir({ f: 'x' });
  t.same([...(await snapshotRoot(join(dir, 'f'))).keys()], ['']);
  t.equal((await snapshotRoot(join(dir, 'missing'))).size, 0);
  const written = diffSnapshots(new Map(), await snapshotRoot(join(dir, 'f'))).written;
  t.same(written.map((w) => [w.rel, w.size]), [['', 1]]);
});
