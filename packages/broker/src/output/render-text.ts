// `--output text`: awscli/text.py ported line for line, including where it crashes (a list mixing objects with
// other values), in which case the CLI has already printed the lines before and exits 255.
import { isCliObject, keysOf, pyTypeName, type CliObject, type CliValue } from './cli-value.js';
import { pyStr, sortPyStrings } from './py-text.js';
import { cliCrash, type Rendered } from './rendered.js';

const isScalar = (v: CliValue): boolean => !Array.isArray(v) && !isCliObject(v);

/** Python raises this where text.py calls `.items()` on a list element that is not a dict. */
class NotADict extends Error {}

export const renderText = (value: CliValue): Rendered => {
  let out = '';

  const formatText = (item: CliValue, identifier?: string, scalarKeys?: readonly string[]): void => {
    if (isCliObject(item)) formatDict(item, identifier, scalarKeys);
    else if (Array.isArray(item)) formatList(item, identifier);
    else out += `${pyStr(item)}\n`;
  };

  const formatList = (item: readonly CliValue[], identifier: string | undefined): void => {
    if (item.length === 0) return;
    if (item.some(isCliObject)) {
      const allKeys = allScalarKeys(item);
      for (const element of item) formatText(element, identifier, allKeys);
    } else if (item.some(Array.isArray)) {
      const scalars = item.filter(isScalar);
      if (scalars.length > 0) formatScalarList(scalars, identifier);
      for (const nonScalar of item.filter((el) => !isScalar(el))) formatText(nonScalar, identifier);
    } else formatScalarList(item, identifier);
  };

  const formatScalarList = (elements: readonly CliValue[], identifier: string | undefined): void => {
    if (identifier === undefined) out += `${elements.map(pyStr).join('\t')}\n`;
    else for (const element of elements) out += `${identifier.toUpperCase()}\t${pyStr(element)}\n`;
  };

  const formatDict = (item: CliObject, identifier: string | undefined, scalarKeys: readonly string[] | undefined): void => {
    const { scalars, nonScalars } = partitionDict(item, scalarKeys);
    if (scalars.length > 0) {
      if (identifier !== undefined) scalars.unshift(identifier.toUpperCase());
      out += `${scalars.join('\t')}\n`;
    }
    for (const [key, nonScalar] of nonScalars) formatText(nonScalar, key);
  };

  try {
    formatText(value);
  } catch (e) {
    if (!(e instanceof NotADict)) throw e;
    return cliCrash(e.message, out);
  }
  return { ok: true, value: out };
};

/** Keys holding a scalar in any of the dicts, sorted; every element must be a dict. */
const allScalarKeys = (list: readonly CliValue[]): string[] => {
  const seen = new Set<string>();
  for (const element of list) {
    if (!isCliObject(element)) throw new NotADict(`'${pyTypeName(element)}' object has no attribute 'items'`);
    for (const key of keysOf(element)) if (isScalar(element[key]!)) seen.add(key);
  }
  return sortPyStrings(seen);
};

type Partition = { scalars: string[]; nonScalars: [string, CliValue][] };

/** The scalar values (as str()) and the other members, both in sorted key order. */
const partitionDict = (item: CliObject, scalarKeys: readonly string[] | undefined): Partition => {
  const scalars: string[] = [];
  const nonScalars: [string, CliValue][] = [];
  if (scalarKeys === undefined) {
    for (const key of sortPyStrings(keysOf(item))) {
      const value = item[key]!;
      if (isScalar(value)) scalars.push(pyStr(value));
      else nonScalars.push([key, value]);
    }
    return { scalars, nonScalars };
  }
  // A key scalar in another element is printed here with str() even when it holds a list or dict.
  for (const key of scalarKeys) scalars.push(Object.hasOwn(item, key) ? pyStr(item[key]!) : '');
  const rest = new Set(keysOf(item));
  for (const key of scalarKeys) rest.delete(key);
  for (const key of sortPyStrings(rest)) nonScalars.push([key, item[key]!]);
  return { scalars, nonScalars };
};
