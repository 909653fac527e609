// The one entry of the bundle: invoked as `aws` (a symlink) it is the shim, otherwise the `aws-guard`
// admin CLI. Each face is imported lazily so that the shim, run on every `aws` call, never loads the admin CLI;
// the shim's own entry (shim/shim-main.ts) runs on import, and is what `aws-guard shim install` links to.
import { basename } from 'node:path';
import { AWS_GUARD_VERSION } from '@aws-guard/shared/version';
import { boundary } from './process-boundary.js';

if (basename(process.argv[1] ?? '') === 'aws') {
  // require, not import(): the shim's bundle is CommonJS, and importing it would run Node's CommonJS export
  // lexer over it first (~50 ms of CPU). The bundle defines `require` (scripts/build-bundle.mjs).
  try {
    require('./shim/shim-main.js');
  } catch (e) {
    boundary('shim')(e);
  }
} else {
  import('./program.js')
    .then(async ({ runAdminCli }) => {
      process.exitCode = await runAdminCli(process.argv, AWS_GUARD_VERSION);
    })
    .catch(boundary('admin'));
}
