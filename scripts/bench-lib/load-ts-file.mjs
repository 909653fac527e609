// Imports one of our TypeScript modules into a bench, bundled by esbuild into a temporary file: unlike
// load-ts-module.mjs (a data: URL), this works for modules whose dependencies are CommonJS (ws), which need a
// real module URL for `require`.
import { build } from 'esbuild';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';

export const loadTsFile = async (entry) => {
  const out = await build({
    entryPoints: [entry], bundle: true, format: 'esm', platform: 'node', target: 'node20', write: false, logLevel: 'error',
    banner: { js: "import { createRequire as __r } from 'node:module'; const require = __r(import.meta.url);" },
  });
  const file = join(mkdtempSync(join(tmpdir(), 'bench-ts-')), `${basename(entry, '.ts')}.mjs`);
  writeFileSync(file, out.outputFiles[0].text);
  return import(pathToFileURL(file).href);
};
