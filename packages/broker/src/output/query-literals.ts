// The --query's literals as the CLI's Python reads them: the library reads `` `1.0` `` as the number 1 and
// `` `{"b": 1, "7": 2}` `` in JS key order, so each literal is read again with Python's json.loads rules.
import { tokenize, type compile } from '@jmespath-community/jmespath';
import type { CliValue } from './cli-value.js';
import type { PyNumber } from './py-number.js';
import { parsePythonJson } from './read-python-json.js';
import { boxesIn } from './query-values.js';

export type QueryLiterals = Readonly<{
  /** The boxed numbers (integral floats) anywhere in the backtick literals. */
  floats: readonly PyNumber[];
  /** The library's value of each list or object literal → Python's reading of it (the library returns that very value). */
  readings: ReadonlyMap<object, CliValue>;
  /** A `'` or `` ` `` never closed: the library reads to the end, Python refuses the expression. */
  unclosed: string | undefined;
}>;

/**
 * Python reads a backtick literal that is not JSON as a string (`` Tags[?Key==`Name`] ``, all over AWS's own
 * examples): the library does too with this option.
 */
export const LEXER_OPTIONS = Object.freeze({ enable_legacy_literals: true });

type Node = Readonly<Record<string, unknown>>;

/** Where a node's sub-expressions come in the text (a filter `left[?condition].right`), for pairing with tokens. */
const CHILD_KEYS = ['left', 'condition', 'right', 'child', 'children', 'value'] as const;

const literalNodes = (node: unknown, into: Node[] = []): Node[] => {
  if (Array.isArray(node)) for (const child of node) literalNodes(child, into);
  else if (typeof node === 'object' && node !== null) {
    const n = node as Node;
    if (n['type'] === 'Literal') into.push(n);
    else for (const key of CHILD_KEYS) literalNodes(n[key], into);
  }
  return into;
};

export const readLiterals = (expression: string, tree: ReturnType<typeof compile>): QueryLiterals => {
  const floats: PyNumber[] = [];
  let unclosed: string | undefined;
  // Each literal token in text order: Python's reading of a backtick literal, undefined for a raw string.
  const read: (CliValue | undefined)[] = [];
  for (const token of tokenize(expression, LEXER_OPTIONS)) {
    if ((token.type as string) !== 'Literal') continue;
    const quote = expression[token.start];
    let end = token.start + 1;
    while (end < expression.length && expression[end] !== quote) end += expression[end] === '\\' && (expression[end + 1] === '\\' || expression[end + 1] === quote) ? 2 : 1;
    if (end >= expression.length) unclosed ??= quote;
    let value: CliValue | undefined;
    if (quote === '`') {
      try {
        value = parsePythonJson(expression.slice(token.start + 1, end).replaceAll('\\`', '`'));
        boxesIn(value, floats);
      } catch {
        // Not JSON to Python either: a string literal, no numbers in it.
      }
    }
    read.push(value);
  }
  // The tree's literals in text order pair with the tokens; any doubt (counts, values) and none are paired.
  const nodes = literalNodes(tree);
  const readings = new Map<object, CliValue>();
  const paired = nodes.length === read.length && nodes.every((n, i) => read[i] === undefined || JSON.stringify(n['value']) === JSON.stringify(read[i]));
  if (paired)
    nodes.forEach((n, i) => {
      const value = n['value'];
      const python = read[i];
      if (typeof value === 'object' && value !== null && python !== undefined) readings.set(value, python);
    });
  return { floats, readings, unclosed };
};
