// Lets a plain Node script (generators, benches) import one of our TypeScript modules: esbuild bundles it (with
// its dependencies) and the result is imported from a temporary file, removed once loaded. A real file URL, not a
// data: URL, because bundled CommonJS dependencies (ws) need `require` from a module URL. Nothing at run time
// uses this.
import { build } from 'esbuild';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';

export const loadTsModule = async (entry) => {
  const out = await build({
    entryPoints: [entry], bundle: true, format: 'esm', platform: 'node', target: 'node20', write: false, logLevel: 'error',
    banner: { js: "import { createRequire as __r } from 'node:module'; const require = __r(import.meta.url);" },
  });
  const dir = mkdtempSync(join(tmpdir(), 'aws-guard-ts-'));
  const file = join(dir, `${basename(entry, '.ts')}.mjs`);
  writeFileSync(file, out.outputFiles[0].text);
  try {
    return await import(pathToFileURL(file).href);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};
