// Errors for the unexpected, and the one error a process boundary turns into a message and an exit code.
// Expected outcomes are Result values (result.ts); these are thrown only to reach the boundary.

/** A failure the user can act on: printed as one line (no stack), the process exits with `exitCode`. */
export class UserFacingError extends Error {
  readonly code: string;
  readonly exitCode: number;
  constructor(code: string, message: string, exitCode = 1) {
    super(message);
    this.name = 'UserFacingError';
    this.code = code;
    this.exitCode = exitCode;
  }
}

/** By shape, not `instanceof`: the bundle's entry and its faces each carry their own copy of the class. */
export const isUserFacingError = (e: unknown): e is UserFacingError =>
  e instanceof Error && e.name === 'UserFacingError' && typeof (e as UserFacingError).exitCode === 'number' && typeof (e as UserFacingError).code === 'string';
