// The signatures of jmespath's built-in functions and Python jmespath's argument checks, with its exact errors:
// note that it names JMESPath types for a wrong argument but Python types (`str`) for a wrong array element.
import { pyStr } from '../py-text.js';
import { arityError, typeError } from './jmespath-error.js';
import { isExpRef, pyType, type JmesValue } from './py-semantics.js';

export type ArgSpec = Readonly<{ types: readonly string[]; variadic?: boolean }>;

const one = (...types: string[]): ArgSpec => ({ types });
const ANY = one();

export const SIGNATURES: Readonly<Record<string, readonly ArgSpec[]>> = {
  abs: [one('number')],
  avg: [one('array-number')],
  not_null: [{ types: [], variadic: true }],
  to_array: [ANY],
  to_string: [ANY],
  to_number: [ANY],
  contains: [one('array', 'string'), ANY],
  length: [one('string', 'array', 'object')],
  ends_with: [one('string'), one('string')],
  starts_with: [one('string'), one('string')],
  reverse: [one('array', 'string')],
  ceil: [one('number')],
  floor: [one('number')],
  join: [one('string'), one('array-string')],
  map: [one('expref'), one('array')],
  max: [one('array-number', 'array-string')],
  merge: [{ types: ['object'], variadic: true }],
  min: [one('array-number', 'array-string')],
  sort: [one('array-string', 'array-number')],
  sum: [one('array-number')],
  keys: [one('object')],
  values: [one('object')],
  type: [ANY],
  sort_by: [one('array'), one('expref')],
  min_by: [one('array'), one('expref')],
  max_by: [one('array'), one('expref')],
};

const PY_TYPES: Readonly<Record<string, readonly string[]>> = {
  boolean: ['bool'],
  array: ['list', '_Projection'],
  object: ['dict', 'OrderedDict'],
  null: ['NoneType'],
  string: ['unicode', 'str'],
  number: ['float', 'int', 'long'],
  expref: ['_Expression'],
};
const JMES_TYPES: Readonly<Record<string, string>> = {
  bool: 'boolean', list: 'array', dict: 'object', NoneType: 'null', str: 'string', float: 'number', int: 'number', _Expression: 'expref',
};

export const toJmesType = (pyTypeName: string): string => JMES_TYPES[pyTypeName] ?? 'unknown';

/** str() of an argument; an expression's str() holds a memory address, which cannot be reproduced. */
export const showArg = (v: JmesValue): string => (isExpRef(v) ? '<jmespath.visitor._Expression object>' : pyStr(v));

export const checkArguments = (name: string, args: readonly JmesValue[], signature: readonly ArgSpec[]): void => {
  const variadic = signature[signature.length - 1]?.variadic === true;
  if (variadic ? args.length < signature.length : args.length !== signature.length)
    throw arityError(name, signature.length, args.length, variadic);
  signature.forEach((spec, i) => {
    if (spec.types.length > 0) checkOne(name, args[i]!, spec.types);
  });
};

const checkOne = (name: string, current: JmesValue, types: readonly string[]): void => {
  const allowed: string[] = [];
  const subtypes: (readonly string[])[] = [];
  for (const t of types) {
    const [type, sub] = t.split('-', 2) as [string, string | undefined];
    if (sub !== undefined) subtypes.push(PY_TYPES[sub]!);
    allowed.push(...PY_TYPES[type]!);
  }
  const actual = pyType(current);
  if (!allowed.includes(actual)) throw typeError(name, showArg(current), toJmesType(actual), types);
  if (subtypes.length > 0 && Array.isArray(current)) checkElements(name, current, subtypes, types);
};

const checkElements = (name: string, list: readonly JmesValue[], subtypes: (readonly string[])[], types: readonly string[]): void => {
  let allowed: readonly string[];
  if (subtypes.length === 1) allowed = subtypes[0]!;
  else {
    if (list.length === 0) return;
    // Several element types allowed (numbers or strings): the first element decides for all.
    const first = pyType(list[0]!);
    const found = subtypes.find((s) => s.includes(first));
    if (found === undefined) throw typeError(name, showArg(list[0]!), first, types);
    allowed = found;
  }
  for (const element of list) {
    const actual = pyType(element);
    if (!allowed.includes(actual)) throw typeError(name, showArg(element), actual, types);
  }
};
