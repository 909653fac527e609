// Builds bin/aws-guard.mjs: one ESM bundle of packages/cli (the `aws` shim and the admin CLI), executable.
// ESM because ink/yoga use top-level await; `require` is defined for the CommonJS dependencies.
import { build } from 'esbuild';
import { chmod, mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const outfile = `${root}bin/aws-guard.mjs`;
// The broker recognises its own shim by this marker and never runs it as the real AWS CLI
// (packages/broker/src/exec/resolve-aws-cli.ts SHIM_MARKER must match).
const SHIM_MARKER = 'aws-guard:shim-bundle';

const started = performance.now();
await mkdir(`${root}bin`, { recursive: true });
await build({
  entryPoints: [`${root}packages/cli/src/main.ts`],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  minify: true,
  legalComments: 'none',
  define: { __AWS_GUARD_BUNDLED__: 'true' },
  banner: {
    js: `#!/usr/bin/env node\n// ${SHIM_MARKER}\nimport { createRequire as __agRequire } from 'node:module'; const require = __agRequire(import.meta.url);`,
  },
  logLevel: 'warning',
});
await chmod(outfile, 0o755);
// bin/aws-guard is a committed symlink to this file: a `.mjs` is ESM whatever package.json or a require hook
// in NODE_OPTIONS says (TOOLCHAIN.md #7), and `aws` symlinks made by `shim install` resolve to it.
console.log(`built ${outfile} in ${Math.round(performance.now() - started)} ms`);
