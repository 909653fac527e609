// The one entry of the bundle: invoked as `aws` (a symlink) it is the shim, otherwise the `aws-guard`
// admin CLI. This file is the process's only error boundary: no stack traces reach the user.
// Each face is imported lazily so that the shim, run on every `aws` call, never loads the admin CLI.
import { basename } from 'node:path';
import { isUserFacingError } from '@aws-guard/shared/errors';
import { AWS_GUARD_VERSION } from '@aws-guard/shared/version';

/** Exit codes of failures no face handled: the shim's gateway failure, and EX_SOFTWARE for the admin CLI. */
const UNEXPECTED_EXIT = Object.freeze({ shim: 255, admin: 70 });

const boundary = (face: keyof typeof UNEXPECTED_EXIT) => (e: unknown) => {
  if (isUserFacingError(e)) {
    process.stderr.write(`aws-guard: ${e.message}\n`);
    process.exit(e.exitCode);
  }
  const detail = process.env['AWS_GUARD_DEBUG'] ? `\n${(e as Error).stack ?? String(e)}` : ' (set AWS_GUARD_DEBUG=1 for details)';
  process.stderr.write(`aws-guard: internal error: ${(e as Error).message ?? String(e)}${detail}\n`);
  process.exit(UNEXPECTED_EXIT[face]);
};

if (basename(process.argv[1] ?? '') === 'aws') {
  import('./shim/run-shim.js')
    .then(async ({ runShim, processShimIo }) => process.exit(await runShim(processShimIo(process.argv.slice(2), AWS_GUARD_VERSION))))
    .catch(boundary('shim'));
} else {
  import('./program.js')
    .then(async ({ runAdminCli }) => {
      process.exitCode = await runAdminCli(process.argv, AWS_GUARD_VERSION);
    })
    .catch(boundary('admin'));
}
