// Lays a value out as the sections of a table, as awscli's TableFormatter._build_table and table.Section do: a
// section per object or list of objects, sorted scalar keys as columns, nested values as indented sections.
import { isCliObject, keysOf, pyTypeName, type CliObject, type CliValue } from './cli-value.js';
import { isPyNumber, numberValue } from './py-number.js';
import { pyStr, sortPyStrings } from './py-text.js';
import { textWidth } from './text-width.js';

export type Section = {
  /** null where Python's title is None (a nested list of objects); '' for none at all. */
  title: string | null;
  headers: string[];
  rows: string[][];
  indentLevel: number;
  numCols: number | undefined;
  maxWidths: number[];
};

/** Where awscli's table code raises on a shape it does not expect (the CLI then prints nothing and exits 255). */
export class TableShapeError extends Error {}

export const newSection = (title: string | null, indentLevel: number): Section => ({
  title, headers: [], rows: [], indentLevel, numCols: undefined, maxWidths: [],
});

const updateMaxWidths = (section: Section, row: readonly string[]): void => {
  if (section.maxWidths.length === 0) section.maxWidths = row.map(textWidth);
  else
    row.forEach((el, i) => {
      // Headers wider than the section's rows (a list of objects nested under a list of scalars) overflow.
      if (i >= section.maxWidths.length) throw new TableShapeError('list index out of range');
      section.maxWidths[i] = Math.max(textWidth(el), section.maxWidths[i]!);
    });
};

export const addHeader = (section: Section, headers: string[]): void => {
  updateMaxWidths(section, headers);
  section.numCols ??= headers.length;
  section.headers = headers;
};

export const addRow = (section: Section, row: readonly CliValue[]): void => {
  section.numCols ??= row.length;
  if (row.length !== section.numCols) throw new TableShapeError(`Row should have ${section.numCols} elements, instead it has ${row.length}`);
  const cells = row.map(pyStr);
  section.rows.push(cells);
  updateMaxWidths(section, cells);
};

const isScalar = (v: CliValue): boolean => !Array.isArray(v) && !isCliObject(v);

/** Python's truth value: what `if not current` skips. */
const isFalsy = (v: CliValue): boolean =>
  v === null || v === false || v === '' || v === 0 || (isPyNumber(v) && v.value === 0) ||
  (Array.isArray(v) && v.length === 0) || (isCliObject(v) && keysOf(v).length === 0);

/** Iterating a Python dict gives its keys; a list, its items. */
const iterate = (v: CliValue): readonly CliValue[] => (isCliObject(v) ? keysOf(v) : (v as CliValue[]));

/**
 * _group_scalar_keys on a list element that should be a dict: Python's error for the wrong shapes (`current[el]`
 * for each item of a list). Best effort beyond these: no AWS output has such a shape, only a --query can.
 */
const groupError = (element: CliValue): TableShapeError => {
  if (typeof element === 'string') return new TableShapeError("string indices must be integers, not 'str'");
  if (!Array.isArray(element)) return new TableShapeError(`'${pyTypeName(element)}' object is not iterable`);
  for (const item of element) {
    const type = pyTypeName(item);
    if (type !== 'int' && type !== 'bool') return new TableShapeError(`list indices must be integers or slices, not ${type}`);
    const index = Number(typeof item === 'boolean' ? item : numberValue(item as number));
    if (index >= element.length || index < -element.length) return new TableShapeError('list index out of range');
  }
  return new TableShapeError("'<' not supported between instances of 'int' and 'str'");
};

const isHollow = (v: CliValue): boolean => v === '' || (Array.isArray(v) && v.length === 0);

const groupScalarKeys = (current: CliObject): { headers: string[]; more: string[] } => {
  const headers: string[] = [];
  const more: string[] = [];
  for (const key of keysOf(current)) (isScalar(current[key]!) ? headers : more).push(key);
  return { headers: sortPyStrings(headers), more: sortPyStrings(more) };
};

/** The sections TableFormatter builds for `value` under the operation's name; none when Python finds it false. */
export const buildSections = (title: string, value: CliValue): Section[] => {
  const sections: Section[] = [];
  let current: Section | undefined;
  const open = (t: string | null, indentLevel: number): void => {
    current = newSection(t, indentLevel);
    sections.push(current);
  };
  const section = (): Section => {
    if (current === undefined) throw new TableShapeError("'NoneType' object has no attribute 'add_row'");
    return current;
  };

  const build = (t: string | null | undefined, value: CliValue, indentLevel: number): void => {
    if (isFalsy(value)) return;
    if (t !== undefined) open(t, indentLevel);
    if (Array.isArray(value)) {
      if (isCliObject(value[0]!)) fromList(value, indentLevel, t ?? null);
      else
        for (const item of value) {
          if (isScalar(item)) addRow(section(), [item]);
          else if (iterate(item).every(isScalar)) addRow(section(), iterate(item));
          else build(undefined, item, 0);
        }
    }
    if (isCliObject(value)) fromDict(value, indentLevel);
  };

  const fromDict = (value: CliObject, indentLevel: number): void => {
    const { headers, more } = groupScalarKeys(value);
    if (headers.length === 1) addRow(section(), [headers[0]!, value[headers[0]!]!]);
    else if (headers.length > 0) {
      addHeader(section(), headers);
      addRow(section(), headers.map((k) => value[k]!));
    }
    for (const key of more) build(key, value[key]!, indentLevel + 1);
  };

  const fromList = (list: readonly CliValue[], indentLevel: number, t: string | null): void => {
    const headerSet = new Set<string>();
    const moreSet = new Set<string>();
    for (const element of list) {
      if (isHollow(element)) continue; // iterating '' or [] finds no keys
      if (!isCliObject(element)) throw groupError(element);
      const { headers, more } = groupScalarKeys(element);
      headers.forEach((h) => headerSet.add(h));
      more.forEach((m) => moreSet.add(m));
    }
    const headers = sortPyStrings(headerSet);
    const more = sortPyStrings(moreSet);
    addHeader(section(), headers);
    list.forEach((element, i) => {
      if (i > 0 && more.length > 0) {
        open(t, indentLevel);
        addHeader(section(), headers);
      }
      if (!isCliObject(element)) {
        // '' or []: `.get` fails only if there is a column to get; `key in element` is false.
        if (headers.length > 0) throw new TableShapeError(`'${pyTypeName(element)}' object has no attribute 'get'`);
        addRow(section(), []);
        return;
      }
      addRow(section(), headers.map((h) => (Object.hasOwn(element, h) ? element[h]! : '')));
      for (const key of more) if (Object.hasOwn(element, key)) build(key, element[key]!, indentLevel + 1);
    });
  };

  build(title, value, 0);
  return sections;
};
