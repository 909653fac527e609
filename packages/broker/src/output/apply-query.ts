// The agent's --query over the (masked) CLI output, as the CLI applies it, failing as the CLI fails: exit 255 with
// `Bad value for --query …` before any call for a bad expression, or Python's error after it for a bad evaluation.
import { isCliObject, type CliValue } from './cli-value.js';
import type { Node } from './jmespath/ast.js';
import { evaluate } from './jmespath/interpreter.js';
import { JmesPathError } from './jmespath/jmespath-error.js';
import { parseExpression } from './jmespath/parser.js';
import { isExpRef, type JmesValue } from './jmespath/py-semantics.js';

export type QueryIssue = Readonly<{
  /** `QUERY_INVALID`: the CLI refuses the argument and calls nothing; `QUERY_FAILED`: it fails after the call. */
  code: 'QUERY_INVALID' | 'QUERY_FAILED';
  message: string;
  /** Exactly what the CLI writes to stderr. */
  stderr: string;
  exitCode: 255;
}>;
export type QueryResult = Readonly<{ ok: true; value: CliValue }> | Readonly<{ ok: false; issue: QueryIssue }>;
export type CompiledQuery = Readonly<{ expression: string; tree: Node }>;

const issue = (code: QueryIssue['code'], message: string): Readonly<{ ok: false; issue: QueryIssue }> => ({
  ok: false,
  issue: { code, message, stderr: `\n${message}\n`, exitCode: 255 },
});

/** Reads the expression as the CLI does when it parses its arguments. */
export const compileQuery = (expression: string): Readonly<{ ok: true; value: CompiledQuery }> | Readonly<{ ok: false; issue: QueryIssue }> => {
  try {
    return { ok: true, value: { expression, tree: parseExpression(expression) } };
  } catch (e) {
    if (!(e instanceof JmesPathError)) throw e;
    return issue('QUERY_INVALID', `Bad value for --query ${expression}: ${e.message}`);
  }
};

/** Whether an `&expr` escaped into the result, which the CLI cannot print. */
const holdsExpression = (v: JmesValue): boolean => {
  if (isExpRef(v)) return true;
  if (Array.isArray(v)) return v.some(holdsExpression);
  return isCliObject(v) && Object.values(v).some(holdsExpression);
};

/** Whether the tree has an `&expr` at all (a literal holding `"type": "expref"` only costs a needless search). */
const mentionsExpression = (n: unknown): boolean =>
  typeof n === 'object' && n !== null && ((n as { type?: unknown }).type === 'expref' || Object.values(n).some(mentionsExpression));

/** `query` undefined: no --query, the value as it is. */
export const applyQuery = (value: CliValue, query: string | CompiledQuery | undefined): QueryResult => {
  if (query === undefined) return { ok: true, value };
  const compiled = typeof query === 'string' ? compileQuery(query) : { ok: true as const, value: query };
  if (!compiled.ok) return compiled;
  let result: JmesValue;
  try {
    result = evaluate(compiled.value.tree, value);
  } catch (e) {
    if (!(e instanceof JmesPathError)) throw e;
    return issue('QUERY_FAILED', e.message);
  }
  // json.dumps meets a Python object it cannot write; text output would print its memory address instead.
  if (mentionsExpression(compiled.value.tree) && holdsExpression(result)) return issue('QUERY_FAILED', 'Encountered unrecognized type in JSON encoder.');
  return { ok: true, value: result as CliValue };
};
