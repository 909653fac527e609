// Python's meaning of the operations the interpreter needs: jmespath's truthiness, `==` (where True == 1 inside
// lists), ordering (numbers with numbers, strings by code point, a TypeError otherwise) and type names.
import { isCliNumber, isCliObject, keysOf, pyTypeName, type CliObject, type CliValue } from '../cli-value.js';
import { numberValue, type PyNumber } from '../py-number.js';
import { comparePyStrings } from '../py-text.js';
import type { Node } from './ast.js';
import { runtimeError } from './jmespath-error.js';

const EXPREF_PROTO = Object.freeze({});

/** `&expr`: an expression passed to a function (sort_by, map, …), never data. */
export type ExpRef = Readonly<{ node: Node }>;
export type JmesValue = CliValue | ExpRef;

export const makeExpRef = (node: Node): ExpRef => Object.freeze(Object.assign(Object.create(EXPREF_PROTO) as object, { node })) as ExpRef;
export const isExpRef = (v: JmesValue | undefined): v is ExpRef => typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === EXPREF_PROTO;

/** `type(v).__name__`. */
export const pyType = (v: JmesValue): string => (isExpRef(v) ? '_Expression' : pyTypeName(v));

/** jmespath's type names, as its functions and errors use them. */
export const jmesType = (v: JmesValue): string => {
  if (isExpRef(v)) return 'expref';
  if (v === null) return 'null';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'boolean';
  if (isCliNumber(v)) return 'number';
  return Array.isArray(v) ? 'array' : 'object';
};

/** A number other than a bool (Python's bool is an int; jmespath sets it apart). */
export const isActualNumber = (v: JmesValue): v is number | PyNumber => isCliNumber(v as CliValue);

export const num = (v: JmesValue): number => numberValue(v as number | PyNumber);

/** jmespath's _is_false: '', [], {}, None and False; 0 is true. */
export const isFalse = (v: JmesValue): boolean =>
  v === '' || v === null || v === false || (Array.isArray(v) && v.length === 0) || (isCliObject(v as CliValue) && keysOf(v as CliObject).length === 0);

/** Python `==` on JSON values: True == 1 and 1 == 1.0; dicts compare without order. */
export const pyEquals = (a: JmesValue, b: JmesValue): boolean => {
  if (a === b) return true;
  const an = typeof a === 'boolean' ? Number(a) : isActualNumber(a) ? num(a) : undefined;
  const bn = typeof b === 'boolean' ? Number(b) : isActualNumber(b) ? num(b) : undefined;
  if (an !== undefined || bn !== undefined) return an === bn;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => pyEquals(x, b[i]!));
  }
  if (isCliObject(a as CliValue) && isCliObject(b as CliValue)) {
    const ka = keysOf(a as CliObject);
    const bo = b as Record<string, CliValue>;
    return ka.length === keysOf(bo).length && ka.every((k) => Object.hasOwn(bo, k) && pyEquals((a as Record<string, CliValue>)[k]!, bo[k]!));
  }
  return false; // strings and None were equal by identity above; expressions compare by identity
};

/** jmespath's `==`: as Python's, except that 0 and 1 never equal a bool at the top level. */
export const jmesEquals = (a: JmesValue, b: JmesValue): boolean => {
  if (isActualNumber(a) && (num(a) === 0 || num(a) === 1)) {
    if (typeof b === 'boolean') return false;
  } else if (isActualNumber(b) && (num(b) === 0 || num(b) === 1)) {
    if (typeof a === 'boolean') return false;
  }
  return pyEquals(a, b);
};

export type Order = '<' | '>' | '<=' | '>=';

/** Python's `a OP b` for a number or string each side; mixing them is Python's TypeError. */
export const pyCompare = (op: Order, a: JmesValue, b: JmesValue): boolean => {
  let c: number;
  if (typeof a === 'string' && typeof b === 'string') c = comparePyStrings(a, b);
  else if (isActualNumber(a) && isActualNumber(b)) {
    const x = num(a);
    const y = num(b);
    if (Number.isNaN(x) || Number.isNaN(y)) return false;
    c = x < y ? -1 : x > y ? 1 : 0;
  } else throw runtimeError(`'${op}' not supported between instances of '${pyType(a)}' and '${pyType(b)}'`);
  return op === '<' ? c < 0 : op === '>' ? c > 0 : op === '<=' ? c <= 0 : c >= 0;
};
