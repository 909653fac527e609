// Python's ordering of the values the CLI's jmespath orders (numbers and strings), for the JMESPath library's
// comparators and sorting functions: str by code point (py-text.ts), and an int against a str is a TypeError.
import type { JSONValue } from '@jmespath-community/jmespath';
import { comparePyStrings } from './py-text.js';

export type Ordering = '<' | '<=' | '>' | '>=';

/** Python's name for an orderable value's type, as its TypeError puts it (an integral number reads as an int: 2.0 too). */
const pyTypeName = (v: number | string): string => (typeof v === 'string' ? 'str' : Number.isInteger(v) ? 'int' : 'float');

/** What jmespath (both of them) calls a value's type, for the functions' messages. */
export const jmespathType = (v: unknown): string =>
  v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v === 'object' ? ((v as { expref?: unknown }).expref === true ? 'expression' : 'object') : typeof v;

/** Whether Python's jmespath lets the value be ordered at all: a number (not a boolean) or a string. */
export const isOrderable = (v: unknown): v is number | string => typeof v === 'number' || typeof v === 'string';

/**
 * Python's `a <op> b` for two orderable values: numbers numerically, strings by code point; a number against a
 * string raises Python's TypeError, which the CLI prints (exit 255).
 */
export const pyOrder = (op: Ordering, a: number | string, b: number | string): boolean => {
  if (typeof a !== typeof b) throw new Error(`'${op}' not supported between instances of '${pyTypeName(a)}' and '${pyTypeName(b)}'`);
  const c = typeof a === 'string' ? comparePyStrings(a, b as string) : undefined;
  // Numbers with the operators themselves: NaN then compares false every way, as in Python.
  switch (op) {
    case '<':
      return c === undefined ? a < b : c < 0;
    case '<=':
      return c === undefined ? a <= b : c <= 0;
    case '>':
      return c === undefined ? a > b : c > 0;
    case '>=':
      return c === undefined ? a >= b : c >= 0;
  }
};

/** For sorting values of one kind (both numbers or both strings), stably: 0 for equal ones. */
export const compareSame = (a: JSONValue, b: JSONValue): number =>
  typeof a === 'string' && typeof b === 'string' ? comparePyStrings(a, b) : pyOrder('<', a as number, b as number) ? -1 : pyOrder('<', b as number, a as number) ? 1 : 0;
