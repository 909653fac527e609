// The one entry of the bundle: invoked as `aws` (a symlink) it is the shim, otherwise the `aws-guard`
// admin CLI. This file is the process's only error boundary: no stack traces reach the user.
import { basename } from 'node:path';
import { isUserFacingError } from '@aws-guard/shared/errors';
import { AWS_GUARD_VERSION } from '@aws-guard/shared/version';
import { runShim } from './shim/run-shim.js';
import { processShimIo, SHIM_EXIT } from './shim/shim-io.js';
import { runAdminCli } from './program.js';

const invokedAs = basename(process.argv[1] ?? '');

const boundary = (asShim: boolean) => (e: unknown) => {
  if (isUserFacingError(e)) {
    process.stderr.write(`aws-guard: ${e.message}\n`);
    process.exit(e.exitCode);
  }
  const detail = process.env['AWS_GUARD_DEBUG'] ? `\n${(e as Error).stack ?? String(e)}` : ' (set AWS_GUARD_DEBUG=1 for details)';
  process.stderr.write(`aws-guard: internal error: ${(e as Error).message ?? String(e)}${detail}\n`);
  process.exit(asShim ? SHIM_EXIT.gatewayFailure : 70);
};

if (invokedAs === 'aws') {
  runShim(processShimIo(process.argv.slice(2), AWS_GUARD_VERSION)).then((code) => process.exit(code), boundary(true));
} else {
  runAdminCli(process.argv, AWS_GUARD_VERSION).then((code) => {
    process.exitCode = code;
  }, boundary(false));
}
