// The process's only error boundary, shared by the bundle's entry and the shim's own entry: a failure no
// face handled becomes one `aws-guard:` line and an exit code; no stack trace reaches the user.
import { isUserFacingError } from '@aws-guard/shared/errors';
import { describeFileProblem } from '@aws-guard/shared/file-problem';

/** Exit codes of failures no face handled: the shim's gateway failure, and EX_SOFTWARE for the admin CLI. */
export const UNEXPECTED_EXIT = Object.freeze({ shim: 255, admin: 70 });

/** A file the admin CLI needed and could not use (data dir, key, log): the user's to fix, so not "internal". */
export const FILE_PROBLEM_EXIT = 1;

export const boundary = (face: keyof typeof UNEXPECTED_EXIT) => (e: unknown) => {
  if (isUserFacingError(e)) {
    process.stderr.write(`aws-guard: ${e.message}\n`);
    process.exit(e.exitCode);
  }
  // Any command may meet an unreadable or misplaced file; the shim's failures stay its gateway code (255).
  const fileProblem = describeFileProblem(e);
  if (fileProblem !== undefined) {
    process.stderr.write(`aws-guard: ${fileProblem}\n`);
    process.exit(face === 'admin' ? FILE_PROBLEM_EXIT : UNEXPECTED_EXIT.shim);
  }
  const detail = process.env['AWS_GUARD_DEBUG'] ? `\n${(e as Error).stack ?? String(e)}` : ' (set AWS_GUARD_DEBUG=1 for details)';
  process.stderr.write(`aws-guard: internal error: ${(e as Error).message ?? String(e)}${detail}\n`);
  process.exit(UNEXPECTED_EXIT[face]);
};
