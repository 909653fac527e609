// Expected outcomes as values: `{ ok: true, value }` or `{ ok: false, issue }` with a stable code.
export type Issue<C extends string = string> = Readonly<{
  code: C;
  message: string;
  path?: string;
  /** Every problem found, where a check reports them all at once (config, policy). */
  details?: readonly string[];
}>;
export type Ok<T> = Readonly<{ ok: true; value: T }>;
export type Fail<C extends string = string> = Readonly<{ ok: false; issue: Issue<C> }>;
export type Result<T, C extends string = string> = Ok<T> | Fail<C>;

export const ok = <T>(value: T): Ok<T> => ({ ok: true, value });
export const fail = <C extends string>(code: C, message: string, path?: string): Fail<C> =>
  ({ ok: false, issue: path === undefined ? { code, message } : { code, message, path } });
/** A failure that lists every problem found; `message` summarises them. */
export const failAll = <C extends string>(code: C, message: string, details: readonly string[]): Fail<C> =>
  ({ ok: false, issue: { code, message, details: Object.freeze([...details]) } });
