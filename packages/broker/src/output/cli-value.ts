// The value the CLI printed as JSON, as parse, query and render share it: plain JSON except for boxed numbers
// (py-number.ts) and the Python key order of the rare object whose order JS would change, kept on the object.
import { isPyNumber, type PyNumber } from './py-number.js';

export type CliScalar = null | boolean | number | string | PyNumber;
export type CliObject = { [key: string]: CliValue };
export type CliValue = CliScalar | CliValue[] | CliObject;

/** Python dicts keep insertion order; JS objects list integer-like keys (`"7"`) first, so such objects carry it. */
const KEY_ORDER = Symbol('python-key-order');

/** A JSON object: a plain object, or one without a prototype (boxed numbers have a prototype of their own). */
export const isCliObject = (v: CliValue | undefined): v is CliObject => {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
};

export const isCliNumber = (v: CliValue | undefined): v is number | PyNumber => typeof v === 'number' || isPyNumber(v);

/** `"0"`, `"42"` (not `"01"`, `"-1"`, or ≥ 2^32 - 1): the keys JS enumerates first, in numeric order. */
export const isIndexKey = (key: string): boolean => {
  if (key.length === 0 || key.length > 10) return false;
  const c = key.charCodeAt(0);
  if (c < 48 || c > 57 || (c === 48 && key.length > 1)) return false;
  for (let i = 1; i < key.length; i++) {
    const d = key.charCodeAt(i);
    if (d < 48 || d > 57) return false;
  }
  return Number(key) < 4294967295;
};

/** The object's keys in Python's order. */
export const keysOf = (obj: CliObject): readonly string[] =>
  (obj as { [KEY_ORDER]?: readonly string[] })[KEY_ORDER] ?? Object.keys(obj);

/** Whether the object carries a Python key order (JS would list its keys differently). */
export const hasKeyOrder = (obj: CliObject): boolean => (obj as { [KEY_ORDER]?: readonly string[] })[KEY_ORDER] !== undefined;

/** Records the Python order when JS would list the keys differently (invisible to JSON, spread and Object.keys). */
export const keepKeyOrder = (obj: CliObject, keys: readonly string[]): void => {
  if (!keys.some(isIndexKey)) return;
  Object.defineProperty(obj, KEY_ORDER, { value: Object.freeze([...keys]), enumerable: false });
};

/** Sets an own property even for `__proto__`, which plain assignment would take as the prototype. */
export const setOwn = (obj: CliObject, key: string, value: CliValue): void => {
  if (key === '__proto__') Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
};

/** A new object in Python insertion order (later duplicates overwrite in place, as a dict does). */
export const makeObject = (entries: Iterable<readonly [string, CliValue]>): CliObject => {
  const obj: CliObject = {};
  const keys: string[] = [];
  for (const [key, value] of entries) {
    if (!Object.hasOwn(obj, key)) keys.push(key);
    setOwn(obj, key, value);
  }
  keepKeyOrder(obj, keys);
  return obj;
};

/** Python's type name (`type(v).__name__`), as its error messages print it. */
export const pyTypeName = (v: CliValue | undefined): string => {
  if (v === null || v === undefined) return 'NoneType';
  if (typeof v === 'string') return 'str';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  if (isPyNumber(v)) return v.float ? 'float' : 'int';
  return Array.isArray(v) ? 'list' : 'dict';
};
