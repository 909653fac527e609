// Builds bin/dist/: the bundle of packages/cli. Three builds, so that each face loads only its own code:
//   aws-guard.mjs  the entry (bin/aws-guard links to it): picks the face by the name it was invoked under;
//   shim.cjs       the `aws` shim, one tree-shaken CommonJS file that runs on load (it starts on every `aws`
//                  call; `aws-guard shim install` links `aws` straight to it);
//   admin.mjs      the `aws-guard` admin CLI and the broker, split into chunks loaded on demand.
// The entry and admin are ESM because ink/yoga use top-level await; `require` is defined for the CommonJS
// dependencies (and for the entry's require of shim.cjs).
import { build } from 'esbuild';
import { chmod, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = `${root}bin/dist`;
const entry = `${outdir}/aws-guard.mjs`;
// The broker recognises its own shim by this marker and never runs it as the real AWS CLI
// (packages/broker/src/exec/resolve-aws-cli.ts SHIM_MARKER must match).
const SHIM_MARKER = 'aws-guard:shim-bundle';

const common = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  minify: true,
  legalComments: 'none',
  outExtension: { '.js': '.mjs' },
  // The generated AWS model stays on disk beside the sources; the bundle finds it relative to itself.
  define: {
    __AWS_GUARD_MODEL_DIR__: JSON.stringify('../../packages/shared/model/'),
    // The warm executor's Python worker is run from its place in the sources too.
    __AWS_GUARD_PYTHON_DIR__: JSON.stringify('../../packages/broker/python/'),
    // The keychain add-on is native: it is required at run time from the cli package's node_modules.
    __AWS_GUARD_CLI_PACKAGE__: JSON.stringify('../../packages/cli/package.json'),
  },
  banner: {
    js: `#!/usr/bin/env node\n// ${SHIM_MARKER}\nimport { createRequire as __agRequire } from 'node:module'; const require = __agRequire(import.meta.url);`,
  },
  logLevel: 'warning',
  metafile: true,
};

/** The entry imports each face by its built file name instead of bundling it. */
const facesExternal = {
  name: 'faces-external',
  setup(b) {
    b.onResolve({ filter: /^\.\/shim\/shim-main\.js$/ }, () => ({ path: './shim.cjs', external: true }));
    b.onResolve({ filter: /^\.\/program\.js$/ }, () => ({ path: './admin.mjs', external: true }));
  },
};

/**
 * The shim is CommonJS: Node 20 starts a CommonJS main ~10 ms (CPU) sooner than an ES module, whose loader
 * it would otherwise initialise on every `aws` call (docs/benchmarks.md). Nothing in it needs ESM.
 */
const shimFormat = { format: 'cjs', outExtension: { '.js': '.cjs' }, banner: { js: `#!/usr/bin/env node\n// ${SHIM_MARKER}` } };

/** ws requires https, tls and zlib as it loads; the shim needs them only for wss:// (never deflate): on first use. */
const deferBuiltins = {
  name: 'defer-builtins',
  setup(b) {
    b.onResolve({ filter: /^(node:)?(https|tls|zlib)$/ }, (args) => (args.importer.includes('/ws/lib/') ? { path: args.path.replace(/^node:/, ''), namespace: 'deferred-builtin' } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'deferred-builtin' }, (args) => ({
      contents: `let m; module.exports = new Proxy({}, { get: (_, key) => (m ??= require('node:${args.path}'))[key] });`,
      loader: 'js',
    }));
  },
};

/** ink imports react-devtools-core only when DEV is set; marking it external crashes at start-up (TOOLCHAIN.md #6). */
const stubDevtools = {
  name: 'stub-react-devtools',
  setup(b) {
    b.onResolve({ filter: /^react-devtools-core$/ }, () => ({ path: 'react-devtools-core', namespace: 'stub' }));
    b.onLoad({ filter: /.*/, namespace: 'stub' }, () => ({ contents: 'export default { initialize() {}, connectToDevTools() {} };', loader: 'js' }));
  },
};

const started = performance.now();
await rm(outdir, { recursive: true, force: true });
const results = await Promise.all([
  build({ ...common, entryPoints: { 'aws-guard': `${root}packages/cli/src/main.ts` }, outdir, plugins: [facesExternal] }),
  build({ ...common, ...shimFormat, entryPoints: { shim: `${root}packages/cli/src/shim/shim-main.ts` }, outdir, plugins: [deferBuiltins] }),
  build({ ...common, entryPoints: { admin: `${root}packages/cli/src/program.ts` }, outdir, splitting: true, chunkNames: 'chunk-[hash]', plugins: [stubDevtools] }),
]);
await chmod(entry, 0o755);
await chmod(`${outdir}/shim.cjs`, 0o755);
// bin/aws-guard is a committed symlink to the entry: a `.mjs` is ESM whatever package.json or a require hook
// in NODE_OPTIONS says (TOOLCHAIN.md #7), as a `.cjs` is CommonJS. `aws` symlinks made by `shim install`
// resolve to shim.cjs; older ones, to the entry, still work (it requires shim.cjs).
console.log(`built ${entry} in ${Math.round(performance.now() - started)} ms`);

if (process.env.AWS_GUARD_BUNDLE_REPORT) {
  // What each output carries: for keeping the shim's start-up lean.
  for (const [file, out] of results.flatMap((r) => Object.entries(r.metafile.outputs))) {
    const top = Object.entries(out.inputs).sort((a, b) => b[1].bytesInOutput - a[1].bytesInOutput).slice(0, 4);
    console.log(`${file.split('/').pop()} ${out.bytes} B: ${top.map(([k, v]) => `${k.split('node_modules/').pop()} ${v.bytesInOutput}`).join(', ')}`);
  }
}
