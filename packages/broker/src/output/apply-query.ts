// The agent's --query over the (masked) CLI output, evaluated by the JMESPath library @jmespath-community/jmespath
// (query-interpreter.ts's instance), failing as the CLI fails after its call (exit 255, nothing printed). Expressions
// the library cannot judge as the CLI would are left to the real CLI (QUERY_INVALID: document-output.ts runs it as
// asked, stdout withheld).
import { compile } from '@jmespath-community/jmespath';
import type { CliValue } from './cli-value.js';
import { queryInterpreter } from './query-interpreter.js';
import { LEXER_OPTIONS, readLiterals, type QueryLiterals } from './query-literals.js';
import { queryValues } from './query-values.js';

export type QueryIssue = Readonly<{
  /**
   * `QUERY_INVALID`: the library refuses the expression, or it uses what the CLI's Python jmespath 1.1 lacks: the
   * real CLI must judge it (it refuses a bad --query itself, before any call); `QUERY_FAILED`: evaluating failed.
   */
  code: 'QUERY_INVALID' | 'QUERY_FAILED';
  /** The library's message (Python's for an ordering TypeError) or what the CLI's jmespath lacks. */
  message: string;
  /** QUERY_FAILED: what the CLI writes to stderr for a failing query; QUERY_INVALID: aws-guard's line, for when the CLI accepts it after all. */
  stderr: string;
  exitCode: 255;
}>;
export type QueryResult = Readonly<{ ok: true; value: CliValue }> | Readonly<{ ok: false; issue: QueryIssue }>;

type Tree = ReturnType<typeof compile>;
export type CompiledQuery = Readonly<{
  expression: string;
  tree: Tree;
  /** The literals as Python reads them (`` `1.0` `` is a float; the library reads the number 1). */
  literals: QueryLiterals;
  /** A field named like an Object.prototype member (`constructor`): the input's objects go in without a prototype. */
  ownOnly: boolean;
  /** An `&expr` appears: the result may hold one, which the CLI cannot print. */
  mentionsExpression: boolean;
}>;

const failed = (message: string): Readonly<{ ok: false; issue: QueryIssue }> => ({
  ok: false,
  issue: { code: 'QUERY_FAILED', message, stderr: `\n${message}\n`, exitCode: 255 },
});

const invalid = (expression: string, message: string, reason: string): Readonly<{ ok: false; issue: QueryIssue }> => ({
  ok: false,
  issue: { code: 'QUERY_INVALID', message, stderr: `aws-guard: --query ${expression} cannot be applied to masked output (${reason})\n`, exitCode: 255 },
});

/** The functions of Python jmespath 1.1; the library has more (upper, find_first…), which the CLI fails on. */
const PYTHON_FUNCTIONS = new Set([
  'abs', 'avg', 'ceil', 'contains', 'ends_with', 'floor', 'join', 'keys', 'length', 'map', 'max', 'max_by', 'merge', 'min', 'min_by',
  'not_null', 'reverse', 'sort', 'sort_by', 'starts_with', 'sum', 'to_array', 'to_number', 'to_string', 'type', 'values',
]);

/** The library's JMESPath Community syntax that Python jmespath 1.1 (the CLI's) refuses. */
const NOT_IN_PYTHON: Readonly<Record<string, string>> = {
  Arithmetic: 'arithmetic', Unary: 'arithmetic', LetExpression: 'let expressions', Binding: 'let expressions', Variable: 'variables',
  Ternary: 'the ternary operator (?:)', Root: 'the root ($)',
};

type Survey = { foreign: string | undefined; ownOnly: boolean; mentionsExpression: boolean };

/** One pass over the tree: what the CLI's jmespath lacks, inherited field names, `&expr`. */
const survey = (node: unknown, found: Survey): Survey => {
  if (Array.isArray(node)) for (const child of node) survey(child, found);
  if (typeof node !== 'object' || node === null || Array.isArray(node)) return found;
  const { type, name } = node as { type?: unknown; name?: unknown };
  if (type === 'Literal') return found; // its value is data, not syntax
  if (typeof type === 'string') {
    found.foreign ??= NOT_IN_PYTHON[type] ?? (type === 'Function' && !PYTHON_FUNCTIONS.has(String(name)) ? `the function ${String(name)}()` : undefined);
    if (type === 'Field' && typeof name === 'string' && name in Object.prototype) found.ownOnly = true;
    if (type === 'ExpressionReference') found.mentionsExpression = true;
  }
  for (const child of Object.values(node)) survey(child, found);
  return found;
};

const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** Compiles as the library reads the expression; QUERY_INVALID where the real CLI has to judge it instead. */
export const compileQuery = (expression: string): Readonly<{ ok: true; value: CompiledQuery }> | Readonly<{ ok: false; issue: QueryIssue }> => {
  let tree: Tree;
  try {
    tree = compile(expression, LEXER_OPTIONS);
  } catch (e) {
    return invalid(expression, messageOf(e), `the broker's JMESPath library refuses it: ${messageOf(e)}`);
  }
  const found = survey(tree, { foreign: undefined, ownOnly: false, mentionsExpression: false });
  if (found.foreign !== undefined) return invalid(expression, `the CLI's JMESPath does not have ${found.foreign}`, `the CLI's JMESPath does not have ${found.foreign}`);
  const literals = readLiterals(expression, tree);
  if (literals.unclosed !== undefined) return invalid(expression, `unclosed ${literals.unclosed} delimiter`, `its ${literals.unclosed} is never closed`);
  return { ok: true, value: { expression, tree, literals, ownOnly: found.ownOnly, mentionsExpression: found.mentionsExpression } };
};

/** Whether an `&expr` escaped into the result (the library gives `{expref: true, type: …}`): the CLI cannot print one. */
const holdsExpression = (v: unknown): boolean => {
  if (typeof v !== 'object' || v === null) return false;
  if (Array.isArray(v)) return v.some(holdsExpression);
  const { expref, type } = v as { expref?: unknown; type?: unknown };
  return (expref === true && typeof type === 'string') || Object.values(v).some(holdsExpression);
};

/** `query` undefined: no --query, the value as it is. */
export const applyQuery = (value: CliValue, query: string | CompiledQuery | undefined): QueryResult => {
  if (query === undefined) return { ok: true, value };
  const compiled = typeof query === 'string' ? compileQuery(query) : { ok: true as const, value: query };
  if (!compiled.ok) return compiled;
  const { tree, literals, ownOnly, mentionsExpression } = compiled.value;
  const values = queryValues(value, literals, ownOnly);
  let result: unknown;
  try {
    result = queryInterpreter.search(tree, values.input);
  } catch (e) {
    // The library's message: the CLI prints Python's, with the same exit code and nothing on stdout.
    return failed(messageOf(e));
  }
  // json.dumps meets a Python object it cannot write; text output would print its memory address instead.
  if (mentionsExpression && holdsExpression(result)) return failed('Encountered unrecognized type in JSON encoder.');
  return { ok: true, value: values.back(result) };
};
