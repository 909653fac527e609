// The shim sends only files it listed itself: a (malicious) broker asking for `../x`, an unlisted file on disk,
// the directory root itself or a root never described gets upload.failed and not one byte.
import t from 'tap';
import { mkdir, mkdtemp, realpath, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { ClientMessage, FileEntry, FileRootStat } from '@aws-guard/shared/protocol/messages';
import type { LocalRoot } from '../../src/files/describe-local-root.js';
import { createUploader } from '../../src/files/upload-files.js';

const dir = await realpath(await mkdtemp(join(tmpdir(), 'upload-files-')));
await mkdir(join(dir, 'tree', 'sub'), { recursive: true });
await writeFile(join(dir, 'tree', 'listed.txt'), 'listed');
await writeFile(join(dir, 'tree', 'sub', 'unlisted.txt'), 'unlisted');
await writeFile(join(dir, 'secret.txt'), 'SECRET');
await writeFile(join(dir, 'one.json'), '{"one":1}');

const root = (id: number, absPath: string, kind: FileRootStat['kind'], entries: FileEntry[] = []): LocalRoot => ({
  request: { id, path: `p${id}`, expand: true, tree: kind === 'dir', followSymlinks: true, writes: false },
  absPath,
  stat: { type: 'files.root', id, kind },
  entries,
});

const roots = new Map<number, LocalRoot>([
  [0, root(0, join(dir, 'tree'), 'dir', [{ path: 'listed.txt', size: 6, mtimeMs: 0 }])],
  [1, root(1, join(dir, 'one.json'), 'file')],
  [2, root(2, join(dir, 'secret.txt'), 'missing')],
]);

const ask = async (files: { id: number; path: string }[]) => {
  const sent: ClientMessage[] = [];
  const frames: Buffer[] = [];
  const uploader = createUploader(
    { send: (m) => sent.push(m), sendBinary: (f) => frames.push(f), stderr: new Writable({ write: (_c, _e, cb) => cb() }), stderrIsTTY: false, stopped: () => false },
    () => roots,
  );
  await uploader.enqueue(files);
  return { sent, bytes: Buffer.concat(frames.map((f) => f.subarray(1))).toString() };
};

t.test('files the shim did not list are never sent', async (t) => {
  const table = [
    [0, '../secret.txt'],
    [0, '../../etc/passwd'],
    [0, '/etc/passwd'],
    [0, 'sub/unlisted.txt'],
    [0, 'sub/../listed.txt'],
    [0, ''],
    [1, 'x'],
    [2, ''],
    [9, ''],
  ] as const;
  for (const [id, path] of table) {
    const { sent, bytes } = await ask([{ id, path }]);
    t.same(sent.map((m) => m.type), ['upload.failed'], `root ${id} ${JSON.stringify(path)}: upload.failed`);
    t.match(sent[0], { id, path, message: 'the broker asked for a file the shim did not list' });
    t.equal(bytes, '', 'no byte sent');
  }
});

t.test('listed files are sent whole, in the order asked', async (t) => {
  const { sent, bytes } = await ask([{ id: 1, path: '' }, { id: 0, path: 'listed.txt' }]);
  t.same(sent.map((m) => m.type), ['upload.begin', 'upload.end', 'upload.begin', 'upload.end']);
  t.equal(bytes, '{"one":1}listed');
});
