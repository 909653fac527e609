import t from 'tap';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { createSandbox } from '@aws-guard/broker/exec/create-sandbox';
import { sandboxConfigText } from '@aws-guard/broker/exec/sandbox-env';

const mode = async (path: string) => (await stat(path)).mode & 0o777;
const exists = (path: string) => stat(path).then(() => true, () => false);

t.test('a sandbox is a fresh private directory with home, work, files, tmp and a broker-owned config', async (t) => {
  const parent = t.testdir();
  const box = await createSandbox('eu-west-1', parent);
  t.equal(dirname(box.root), parent);
  t.match(basename(box.root), /^aws-guard-req-/);
  t.same((await readdir(box.root)).sort(), ['etc', 'files', 'home', 'tmp', 'work']);
  for (const dir of [box.home, box.work, box.files, box.tmp, dirname(box.configFile)]) {
    t.equal(dirname(dir), box.root, `${dir} inside the sandbox`);
    t.equal(await mode(dir), 0o700, `${basename(dir)} 0700`);
  }
  t.same(await readdir(box.home), [], 'home starts empty');
  t.equal(await readFile(box.configFile, 'utf8'), sandboxConfigText('eu-west-1'));
  t.equal(await readFile(box.credentialsFile, 'utf8'), '', 'the credentials file is empty');
  for (const file of [box.configFile, box.credentialsFile]) t.equal(await mode(file), 0o600, `${basename(file)} 0600`);
  t.equal(dirname(box.credentialsFile), dirname(box.configFile));
  t.notOk(box.configFile.startsWith(box.home), 'the CLI cannot find its config by HOME, only through AWS_CONFIG_FILE');
});

t.test('without a region the config names none', async (t) => {
  const box = await createSandbox(undefined, t.testdir());
  t.notMatch(await readFile(box.configFile, 'utf8'), /region/);
});

t.test('every request gets its own sandbox', async (t) => {
  const parent = t.testdir();
  const boxes = await Promise.all(Array.from({ length: 5 }, () => createSandbox(undefined, parent)));
  t.equal(new Set(boxes.map((b) => b.root)).size, 5);
});

t.test('remove() deletes the sandbox with everything the CLI wrote, and can be called twice', async (t) => {
  const parent = t.testdir();
  const box = await createSandbox('us-east-1', parent);
  await writeFile(join(box.home, 'download.bin'), 'x');
  await writeFile(join(box.tmp, 'scratch'), 'y');
  await box.remove();
  t.equal(await exists(box.root), false);
  await t.resolves(box.remove());
  t.same(await readdir(parent), [], 'nothing left in the parent');
});

t.test('the sandbox description is frozen', async (t) => {
  const box = await createSandbox(undefined, t.testdir());
  t.ok(Object.isFrozen(box));
  t.throws(() => ((box as { home: string }).home = '/'));
});
