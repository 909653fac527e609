// The CliValue tree handed to the JMESPath library as the plain JSON it expects, and its result turned back into
// CliValues: boxed numbers and Python key order survive where the result still holds what the input held.
import type { JSONValue } from '@jmespath-community/jmespath';
import { hasKeyOrder, isCliObject, keysOf, makeObject, type CliObject, type CliValue } from './cli-value.js';
import { isPyNumber, makeNumber, type PyNumber } from './py-number.js';
import type { QueryLiterals } from './query-literals.js';

/** How an integral number appeared in the input and the query's literals: only as ints, only as this box, or both. */
type Seen = 'int' | PyNumber | 'mixed';

export type QueryValues = Readonly<{
  /** The input as the library reads it: boxes unboxed, objects with a Python key order listing it. */
  input: JSONValue;
  /** The library's result as a CliValue. */
  back: (result: unknown) => CliValue;
}>;

/** Python's key order for the library too (keys(), values(), `*`, to_string()): JS would list "7" before "b". */
const inPythonOrder = (copy: CliObject, original: CliObject): CliObject => {
  const keys = keysOf(original);
  return new Proxy(copy, { ownKeys: () => [...keys] });
};

/**
 * `literals`: the query's literals as Python reads them (their floats count as the input's). `ownOnly`: copy every
 * object without a prototype, so that a field named like an Object.prototype member (`constructor`, `toString`)
 * finds only the data's own keys; otherwise objects without boxes pass as they are.
 */
export const queryValues = (value: CliValue, literals: QueryLiterals, ownOnly: boolean): QueryValues => {
  const seen = new Map<number, Seen>();
  const note = (n: number, as: 'int' | PyNumber): void => {
    const before = seen.get(n);
    if (before === undefined) seen.set(n, as);
    else if (before !== as && (before === 'mixed' || as === 'int' || before === 'int' || before.float !== as.float || before.digits !== as.digits)) seen.set(n, 'mixed');
  };
  for (const box of literals.floats) note(box.value, box);

  // The input's lists and objects the library was given copies of (and the literals it read), → the CliValue.
  const origins = new Map<object, CliValue>(literals.readings);
  const toLibrary = (v: CliValue): JSONValue => {
    if (typeof v === 'number') {
      if (Number.isInteger(v)) note(v, 'int');
      return v;
    }
    if (v === null || typeof v !== 'object') return v;
    if (isPyNumber(v)) {
      note(v.value, v);
      return v.value;
    }
    // Copied only from the first member that changed: most of a document holds no box and passes as it is.
    if (Array.isArray(v)) {
      let items: JSONValue[] | undefined;
      for (let i = 0; i < v.length; i++) {
        const item = toLibrary(v[i]!);
        if (items === undefined && item !== v[i]) items = v.slice(0, i) as JSONValue[];
        items?.push(item);
      }
      if (items === undefined) return v as JSONValue[];
      origins.set(items, v);
      return items;
    }
    const obj = v as CliObject;
    const ordered = hasKeyOrder(obj);
    let copy: CliObject | undefined = ownOnly || ordered ? (Object.create(null) as CliObject) : undefined;
    const keys = keysOf(obj);
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      const item = toLibrary(obj[key]!) as CliValue;
      if (copy === undefined && item !== obj[key]) {
        // A null prototype: `__proto__` is then an ordinary key, and inherited names are no keys at all.
        copy = Object.create(null) as CliObject;
        for (let j = 0; j < i; j++) copy[keys[j]!] = obj[keys[j]!]!;
      }
      if (copy !== undefined) copy[key] = item;
    }
    if (copy === undefined) return obj as JSONValue;
    const lib = ordered ? inPythonOrder(copy, obj) : copy;
    origins.set(lib, obj);
    return lib as JSONValue;
  };
  const input = toLibrary(value);

  /** An integral result is a float again when the number appeared only as a float: `t` keeps `1764180000.0`. */
  const number = (n: number): CliValue => {
    if (!Number.isInteger(n)) return n;
    const was = seen.get(n);
    if (was !== undefined && was !== 'int' && was !== 'mixed' && Object.is(was.value, n)) return was;
    return makeNumber(n, false);
  };
  // Rebuilt only where something inside changes: an unchanged list or object (the input's, or one the library
  // built of plain values) comes back as it is, so the same one twice stays one object (YAML's anchor and alias).
  const rebuilt = new Map<object, CliValue>();
  const back = (r: unknown): CliValue => {
    if (typeof r === 'number') return number(r);
    if (r === null || typeof r === 'string' || typeof r === 'boolean') return r;
    // A field named like an Object.prototype member, looked up in an object the query built: Python has no such key.
    if (typeof r !== 'object') return null;
    const known = origins.get(r) ?? rebuilt.get(r);
    if (known !== undefined) return known;
    let made: CliValue;
    if (Array.isArray(r)) {
      const items = r.map(back);
      made = items.every((item, i) => item === r[i]) ? (r as CliValue[]) : items;
    } else {
      const obj = r as Record<string, unknown>;
      const entries = Object.keys(obj).map((key) => [key, back(obj[key])] as const);
      // A key `__proto__` the query built set the object's prototype instead: rebuilt, that key is gone.
      made = isCliObject(obj as CliValue) && entries.every(([key, item]) => item === obj[key]) ? (obj as CliObject) : makeObject(entries);
    }
    if (made !== r) rebuilt.set(r, made);
    return made;
  };
  return { input, back };
};

/** The boxed numbers in a literal's value (for `queryValues`'s `floats`). */
export const boxesIn = (v: CliValue, into: PyNumber[] = []): PyNumber[] => {
  if (isPyNumber(v)) into.push(v);
  else if (Array.isArray(v)) for (const item of v) boxesIn(item, into);
  else if (isCliObject(v)) for (const item of Object.values(v)) boxesIn(item, into);
  return into;
};
