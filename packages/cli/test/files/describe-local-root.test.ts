// What the shim tells the broker about a local root, on a real filesystem: symlinks out of a tree are refused
// with a message naming them, symlinks inside are followed (or skipped with followSymlinks=false), loops end.
import t from 'tap';
import { mkdir, mkdtemp, realpath, symlink, writeFile } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { relPathProblem } from '@aws-guard/shared/files/safe-rel-path';
import type { FileRootRequest } from '@aws-guard/shared/protocol/messages';
import { describeLocalRoot, type AgentPlace } from '../../src/files/describe-local-root.js';

// realpath: macOS-style /tmp symlinks must not make every target look "outside".
const base = await realpath(await mkdtemp(join(tmpdir(), 'describe-root-')));
const place = (cwd: string): AgentPlace => ({ env: { HOME: join(base, 'home') }, cwd, home: join(base, 'home'), user: userInfo().username });
const request = (path: string, over: Partial<FileRootRequest> = {}): FileRootRequest => ({ id: 3, path, expand: true, tree: true, followSymlinks: true, writes: false, ...over });

/** A fresh tree: `outside/` beside `root/`, and `root2/`, whose name starts like root's. */
const fixture = async (name: string) => {
  const dir = join(base, name);
  await mkdir(join(dir, 'root', 'sub', 'deep'), { recursive: true });
  await mkdir(join(dir, 'outside'), { recursive: true });
  await mkdir(join(dir, 'root2'), { recursive: true });
  await writeFile(join(dir, 'root', 'a.txt'), 'a');
  await writeFile(join(dir, 'root', 'sub', 'b.txt'), 'bb');
  await writeFile(join(dir, 'root', 'sub', 'deep', 'c.txt'), 'ccc');
  await writeFile(join(dir, 'outside', 'secret.txt'), 'secret');
  await writeFile(join(dir, 'root2', 'near.txt'), 'near');
  return dir;
};

const paths = (entries: readonly { path: string }[]) => entries.map((e) => e.path).sort();

t.test('a plain tree lists every regular file, with sizes, by safe relative names', async (t) => {
  const dir = await fixture('plain');
  const got = await describeLocalRoot(request('root'), place(dir));
  t.equal(got.stat.kind, 'dir');
  t.same(paths(got.entries), ['a.txt', 'sub/b.txt', 'sub/deep/c.txt']);
  t.same(got.entries.map((e) => e.size).sort(), [1, 2, 3]);
  for (const e of got.entries) t.equal(relPathProblem(e.path), null, `${e.path} is a plain relative path`);
});

t.test('symlinks leading outside the tree are refused, naming the link and its target', async (t) => {
  const table = [
    // [link name inside root, target, why]
    ['up.txt', '../outside/secret.txt', 'a relative target through ..'],
    ['abs.txt', 'OUTSIDE/secret.txt', 'an absolute target'],
    ['dir', 'OUTSIDE', 'a directory outside'],
    ['sub/deep/far', '../../../outside', 'a nested link climbing out'],
    ['near', 'ROOT2', 'a sibling whose name starts like the root'],
    ['etc', '/etc', 'a system directory'],
    ['passwd', '/etc/passwd', 'a system file'],
    ['parent', '..', 'the parent directory'],
  ] as const;
  for (const [i, [name, target, why]] of table.entries()) {
    const dir = await fixture(`out-${i}`);
    await symlink(target.replace('OUTSIDE', join(dir, 'outside')).replace('ROOT2', join(dir, 'root2')), join(dir, 'root', name));
    const got = await describeLocalRoot(request('root'), place(dir));
    t.equal(got.stat.kind, 'refused', `${why}: refused`);
    t.match(got.stat.message, new RegExp(`^root: ${name.replaceAll('/', '\\/')} is a symlink to \\S+, outside the directory being transferred`), `${why}: the message names ${name}`);
    t.same(got.entries, [], `${why}: nothing is listed`);
    t.notMatch(JSON.stringify(got), /"size":6/, `${why}: the outside file's size is not reported`);
  }
});

t.test('symlinks inside the tree are followed; with followSymlinks=false every symlink is left out', async (t) => {
  const dir = await fixture('inside');
  await symlink('a.txt', join(dir, 'root', 'alias.txt'));
  await symlink('sub/deep', join(dir, 'root', 'deep-link'));
  await symlink('../a.txt', join(dir, 'root', 'sub', 'up-but-inside.txt'));
  await symlink(join(dir, 'root', 'sub', 'b.txt'), join(dir, 'root', 'absolute-inside.txt'));
  await symlink('missing.txt', join(dir, 'root', 'dangling.txt'));
  const followed = await describeLocalRoot(request('root'), place(dir));
  t.equal(followed.stat.kind, 'dir', followed.stat.message ?? '');
  t.same(paths(followed.entries), ['a.txt', 'absolute-inside.txt', 'alias.txt', 'deep-link/c.txt', 'sub/b.txt', 'sub/deep/c.txt', 'sub/up-but-inside.txt'], 'followed, dangling skipped');

  // Without following, even a link leading outside is no reason to refuse: it is simply not sent.
  await symlink(join(dir, 'outside'), join(dir, 'root', 'out'));
  const skipped = await describeLocalRoot(request('root', { followSymlinks: false }), place(dir));
  t.equal(skipped.stat.kind, 'dir');
  t.same(paths(skipped.entries), ['a.txt', 'sub/b.txt', 'sub/deep/c.txt'], 'only real files');
  const refused = await describeLocalRoot(request('root'), place(dir));
  t.equal(refused.stat.kind, 'refused', 'the same tree, followed, is refused for the outside link');
});

t.test('symlink loops end', async (t) => {
  const dir = await fixture('loops');
  await symlink('.', join(dir, 'root', 'self'));
  await symlink('..', join(dir, 'root', 'sub', 'back'));
  await symlink('../..', join(dir, 'root', 'sub', 'deep', 'top'));
  await symlink('y', join(dir, 'root', 'x'));
  await symlink('x', join(dir, 'root', 'y'));
  const started = Date.now();
  const got = await describeLocalRoot(request('root'), place(dir));
  t.ok(Date.now() - started < 10_000, 'finished');
  t.equal(got.stat.kind, 'dir', got.stat.message ?? '');
  t.ok(got.entries.length < 50, `a bounded listing (${got.entries.length} entries)`);
  t.ok(paths(got.entries).includes('sub/deep/c.txt'));
  for (const e of got.entries) t.equal(relPathProblem(e.path), null, `${e.path} is a plain relative path`);
});

t.test('the root itself may be a symlink: the tree is what it points to', async (t) => {
  const dir = await fixture('root-link');
  await symlink(join(dir, 'root'), join(dir, 'via'));
  await symlink('../a.txt', join(dir, 'root', 'sub', 'inside.txt'));
  const got = await describeLocalRoot(request('via'), place(dir));
  t.equal(got.stat.kind, 'dir', got.stat.message ?? '');
  t.same(paths(got.entries), ['a.txt', 'sub/b.txt', 'sub/deep/c.txt', 'sub/inside.txt']);
});

t.test('FIFOs are skipped, not read (reading one would block)', async (t) => {
  const dir = await fixture('fifo');
  execFileSync('mkfifo', [join(dir, 'root', 'pipe')]);
  const got = await describeLocalRoot(request('root'), place(dir));
  t.same(paths(got.entries), ['a.txt', 'sub/b.txt', 'sub/deep/c.txt']);
  const single = await describeLocalRoot(request('root/pipe', { tree: false }), place(dir));
  t.equal(single.stat.kind, 'refused', 'a FIFO named as a file is refused');
  t.match(single.stat.message, /root\/pipe is neither a file nor a directory/);
});

t.test('single roots: missing, file, directory, unexpandable', async (t) => {
  const dir = await fixture('single');
  await mkdir(join(base, 'home'), { recursive: true });
  await writeFile(join(base, 'home', 'h.json'), '{"h":1}');
  const cases = [
    ['root/a.txt', { tree: false }, { kind: 'file', size: 1 }],
    ['root/nope.txt', { tree: false }, { kind: 'missing' }],
    ['root/a.txt/below', { tree: false }, { kind: 'missing' }],
    ['root', { tree: false }, { kind: 'dir' }],
    ['~/h.json', { tree: false }, { kind: 'file', size: 7 }],
    ['$HOME/h.json', { tree: false }, { kind: 'file', size: 7 }],
    ['$HOME/h.json', { tree: false, expand: false }, { kind: 'missing' }],
    ['~nosuchuser-aws-guard/x', { tree: false }, { kind: 'refused' }],
    ['root/sub/../a.txt', { tree: false }, { kind: 'file', size: 1 }],
  ] as const;
  for (const [path, over, expected] of cases) {
    const got = await describeLocalRoot(request(path, over), place(dir));
    t.match(got.stat, { type: 'files.root', id: 3, ...expected }, `${path} ${JSON.stringify(over)}`);
    t.same(got.entries, [], `${path}: no entries for a non-tree root`);
  }
});
