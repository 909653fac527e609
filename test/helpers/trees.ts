// Directory trees for the file-transfer tests: build one from a table, read one back as path → content.
import { mkdir, readdir, readFile, writeFile, lstat } from 'node:fs/promises';
import { dirname, join } from 'node:path';

export const writeTree = async (root: string, files: Readonly<Record<string, string | Buffer>>): Promise<void> => {
  for (const [rel, content] of Object.entries(files)) {
    await mkdir(dirname(join(root, rel)), { recursive: true });
    await writeFile(join(root, rel), content);
  }
};

/** Every regular file under `root`, by relative path, as hex-free comparable text (binary as base64). */
export const readTree = async (root: string, rel = ''): Promise<Record<string, string>> => {
  const out: Record<string, string> = {};
  const names = await readdir(join(root, rel)).catch(() => [] as string[]);
  for (const name of names.sort()) {
    const path = rel === '' ? name : `${rel}/${name}`;
    const info = await lstat(join(root, path));
    if (info.isDirectory()) Object.assign(out, await readTree(root, path));
    else if (info.isFile()) out[path] = (await readFile(join(root, path))).toString('base64');
  }
  return out;
};
