// jmespath's built-in functions as Python jmespath computes them: int or float results as Python's arithmetic
// gives them (avg() is always a float, ceil() an int), strings by code point, and Python's errors.
import { isCliObject, keysOf, makeObject, type CliObject, type CliValue } from '../cli-value.js';
import { isPyFloat, makeNumber } from '../py-number.js';
import { comparePyStrings } from '../py-text.js';
import { serializeJson } from '../render-json.js';
import type { Node } from './ast.js';
import { checkArguments, showArg, SIGNATURES } from './function-signatures.js';
import { runtimeError, typeError } from './jmespath-error.js';
import { isExpRef, jmesType, num, pyCompare, pyEquals, pyType, type ExpRef, type JmesValue, type Order } from './py-semantics.js';
import { toNumber } from './to-number.js';

export type Evaluate = (node: Node, value: JmesValue) => JmesValue;
type Body = (args: readonly JmesValue[], evaluate: Evaluate) => JmesValue;

// The signatures have checked every argument's type before a body runs.
const list = (v: JmesValue | undefined): readonly CliValue[] => v as readonly CliValue[];
const str = (v: JmesValue | undefined): string => v as string;
const obj = (v: JmesValue | undefined): CliObject => v as CliObject;
const codePoints = (s: string): string[] => Array.from(s);

/** Python's order of two numbers or two strings (the signatures have already made them alike). */
const order = (a: JmesValue, b: JmesValue): number => {
  if (typeof a === 'string') return comparePyStrings(a, str(b));
  return num(a) < num(b) ? -1 : num(a) > num(b) ? 1 : 0;
};

/**
 * Python's min()/max() (`op` '<' or '>'): keys taken one at a time, each compared with the best so far, so the
 * first of equal extremes wins and the first bad key or unorderable pair raises, in Python's order.
 */
const extreme = (items: readonly CliValue[], keyOf: (item: CliValue) => JmesValue, op: Order): JmesValue => {
  if (items.length === 0) return null;
  let best = items[0]!;
  let bestKey = keyOf(best);
  for (let i = 1; i < items.length; i++) {
    const key = keyOf(items[i]!);
    if (pyCompare(op, key, bestKey)) {
      best = items[i]!;
      bestKey = key;
    }
  }
  return best;
};

/** sort_by/min_by/max_by's key function: the key must be of an allowed type. */
const keyFunction =
  (name: string, expref: ExpRef, allowed: readonly string[], evaluate: Evaluate) =>
  (item: CliValue): JmesValue => {
    const key = evaluate(expref.node, item);
    const type = jmesType(key);
    if (!allowed.includes(type)) throw typeError(name, showArg(key), type, allowed);
    return key;
  };

const itself = (item: CliValue): JmesValue => item;

const numberSum = (items: readonly CliValue[]): JmesValue =>
  makeNumber(
    items.reduce<number>((total, n) => total + num(n), 0),
    items.some((n) => isPyFloat(n as number)),
  );

const toInteger = (x: number, round: (n: number) => number): JmesValue => {
  if (Number.isNaN(x)) throw runtimeError('cannot convert float NaN to integer');
  if (!Number.isFinite(x)) throw runtimeError('cannot convert float infinity to integer');
  return makeNumber(round(x), false);
};

/** dict.update() of the merged result with one argument (only the first is type-checked, as in Python). */
const mergeInto = (entries: [string, CliValue][], arg: JmesValue): void => {
  if (isCliObject(arg as CliValue)) {
    for (const k of keysOf(obj(arg))) entries.push([k, obj(arg)[k]!]);
    return;
  }
  if (!Array.isArray(arg) && typeof arg !== 'string') throw runtimeError(`'${pyType(arg)}' object is not iterable`);
  const elements = typeof arg === 'string' ? codePoints(arg) : arg;
  elements.forEach((element, i) => {
    const pair = typeof element === 'string' ? codePoints(element) : element;
    if (!Array.isArray(pair)) throw runtimeError(`cannot convert dictionary update sequence element #${i} to a sequence`);
    if (pair.length !== 2) throw runtimeError(`dictionary update sequence element #${i} has length ${pair.length}; 2 is required`);
    const [key, value] = pair as [CliValue, CliValue];
    if (typeof key !== 'string') throw runtimeError(`merge() of a ${pyType(key)} key is not supported`);
    entries.push([key, value]);
  });
};

const BODIES: Readonly<Record<string, Body>> = {
  abs: ([n]) => makeNumber(Math.abs(num(n!)), isPyFloat(n as number)),
  avg: ([a]) => (list(a!).length === 0 ? null : makeNumber(list(a!).reduce<number>((t, n) => t + num(n), 0) / list(a!).length, true)),
  not_null: (args) => args.find((a) => a !== null) ?? null,
  to_array: ([a]) => (Array.isArray(a) ? a : [a as CliValue]),
  to_string: ([a]) =>
    typeof a === 'string' ? a : isExpRef(a!) ? JSON.stringify(showArg(a)) : serializeJson(a as CliValue, { ensureAscii: true }),
  to_number: ([a]) => toNumber(a!),
  contains: ([subject, search]) => {
    if (Array.isArray(subject)) return subject.some((el) => pyEquals(el, search!));
    if (typeof search !== 'string') throw runtimeError(`'in <string>' requires string as left operand, not ${pyType(search!)}`);
    return str(subject).includes(search);
  },
  length: ([a]) => (typeof a === 'string' ? codePoints(a).length : Array.isArray(a) ? a.length : keysOf(obj(a!)).length),
  ends_with: ([s, suffix]) => str(s).endsWith(str(suffix)),
  starts_with: ([s, prefix]) => str(s).startsWith(str(prefix)),
  reverse: ([a]) => (typeof a === 'string' ? codePoints(a).reverse().join('') : [...list(a!)].reverse()),
  ceil: ([n]) => (isPyFloat(n as number) ? toInteger(num(n!), Math.ceil) : n!),
  floor: ([n]) => (isPyFloat(n as number) ? toInteger(num(n!), Math.floor) : n!),
  join: ([separator, items]) => list(items!).join(str(separator)),
  map: ([expref, items], evaluate) => list(items!).map((item) => evaluate((expref as ExpRef).node, item) as CliValue),
  max: ([a]) => extreme(list(a!), itself, '>'),
  min: ([a]) => extreme(list(a!), itself, '<'),
  merge: (args) => {
    const entries: [string, CliValue][] = [];
    for (const arg of args) mergeInto(entries, arg);
    return makeObject(entries);
  },
  sort: ([a]) => [...list(a!)].sort(order),
  sum: ([a]) => numberSum(list(a!)),
  keys: ([a]) => [...keysOf(obj(a!))],
  values: ([a]) => keysOf(obj(a!)).map((k) => obj(a!)[k]!),
  type: ([a]) => jmesType(a!),
  sort_by: ([a, expref], evaluate) => {
    const items = list(a!);
    if (items.length === 0) return [];
    const first = jmesType(evaluate((expref as ExpRef).node, items[0]!));
    if (first !== 'number' && first !== 'string') throw typeError('sort_by', showArg(items[0]!), first, ['string', 'number']);
    // sorted() takes every key first, in order, then sorts stably.
    const keyOf = keyFunction('sort_by', expref as ExpRef, [first], evaluate);
    return items
      .map((item) => ({ item, key: keyOf(item) }))
      .sort((x, y) => order(x.key, y.key))
      .map((x) => x.item);
  },
  min_by: ([a, expref], evaluate) => extreme(list(a!), keyFunction('min_by', expref as ExpRef, ['number', 'string'], evaluate), '<'),
  max_by: ([a, expref], evaluate) => extreme(list(a!), keyFunction('max_by', expref as ExpRef, ['number', 'string'], evaluate), '>'),
};

export const callFunction = (name: string, args: readonly JmesValue[], evaluate: Evaluate): JmesValue => {
  const signature = Object.hasOwn(SIGNATURES, name) ? SIGNATURES[name] : undefined;
  const body = Object.hasOwn(BODIES, name) ? BODIES[name] : undefined;
  if (signature === undefined || body === undefined) throw runtimeError(`Unknown function: ${name}()`);
  checkArguments(name, args, signature);
  return body(args, evaluate);
};
