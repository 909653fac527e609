// Seeded random JMESPath expressions, well-formed and broken, over the fields of QUERY_DOCUMENTS: to compare the
// broker's JMESPath with the CLI's Python jmespath on results, refusals and runtime errors alike.
import type { Random } from './random-documents.js';

const FIELDS = ['a', 'b', 'c', 'items', 'name', 'n', 'x', 'tags', 'Key', 'Value', '"7"', '"é"', 'missing', 'f'];
const LITERALS = ['`1`', '`1.0`', '`-2`', '`"s"`', '`"b"`', '`true`', '`false`', '`null`', '`[]`', '`{}`', '`[1,2]`', '`{"k":1}`', "'raw'", "''", '`0`', '`2.5`', '`"10"`', '`1e3`', "'｡'", "'Z'"];
const ARITY: Readonly<Record<string, number>> = {
  abs: 1, avg: 1, not_null: 2, to_array: 1, to_string: 1, to_number: 1, contains: 2, length: 1, ends_with: 2, starts_with: 2, reverse: 1,
  ceil: 1, floor: 1, join: 2, max: 1, merge: 2, min: 1, sort: 1, sum: 1, keys: 1, values: 1, type: 1,
};
const BY = ['sort_by', 'min_by', 'max_by', 'map'];
const BROKEN = [
  '', 'a.', 'a[', 'a]', '[?', '`', "'", '"x', '=', '-', 'a~b', '{a}', '{a:b', '[1:2:3:4]', 'a..b', '@@', '&&a', 'f(', 'a(b)', '"a"(b)', '[0](x)',
  'a.[b', 'a.{b: c', '!', 'a ==', '== a', 'a <', '`{"a":}`', '`foo bar`', ' `x` ', 'a\\b', 'é', '"\\u00"', '"\\x"', 'a | | b', '*.*.', 'a[?b',
  'a[?b]c', 'foo[-]', '[*', '{}', '[]', '()', 'length()', 'not_null()', 'unknown_fn(a)',
];

/** Documents (as Python would print them) the expressions run over: 2.0 is a float, "7" a key JS would move. */
export const QUERY_DOCUMENTS = [
  '{"a": 1, "b": 2.0, "c": [1, 2, 3], "n": null, "x": "str", "f": false, "items": [{"name": "b", "n": 2, "x": 1.5}, {"name": "a", "n": 1}, {"name": "c", "n": 3, "x": -1}, {"name": "d"}], "tags": {"Key": "k", "7": "seven", "é": "e"}}',
  '{"items": [[1, 2], [3, [4]], "x", null], "a": "abc", "b": ["x", "y", "Z", "😀", "é"], "c": {"a": {"b": {"c": 1}}}, "Key": "K", "Value": 0, "n": [1764180000.0, 0.5, 12345678901234567890]}',
];

export const randomQuery = (r: Random): string => {
  const condition = (d: number): string => `${expr(d)} ${r.pick(['==', '!=', '<', '<=', '>', '>='])} ${expr(d)}`;
  const expr = (d: number): string => {
    const x = r.next();
    if (d > 3 || x < 0.25) return r.pick([...FIELDS, ...FIELDS, '@', ...LITERALS]);
    if (x < 0.35) return `${expr(d + 1)}.${r.pick(FIELDS)}`;
    if (x < 0.42) return `${expr(d + 1)}[${r.pick(['0', '1', '-1', '5', '*', '', ':', '::-1', '1:', ':2', '0:3:2', `?${condition(d + 1)}`])}]`;
    if (x < 0.48) return `${expr(d + 1)}[]`;
    if (x < 0.52) return `${expr(d + 1)}.*`;
    if (x < 0.58) return `${expr(d + 1)} | ${expr(d + 1)}`;
    if (x < 0.63) return `[${expr(d + 1)}, ${expr(d + 1)}]`;
    if (x < 0.68) return `{${r.pick(['p', 'q', '"7"', 'z'])}: ${expr(d + 1)}, ${r.pick(['r', 'a', '"1"'])}: ${expr(d + 1)}}`;
    if (x < 0.73) return `${expr(d + 1)} ${r.pick(['||', '&&'])} ${expr(d + 1)}`;
    if (x < 0.76) return `!${expr(d + 1)}`;
    if (x < 0.8) return condition(d + 1);
    if (x < 0.93) {
      const name = r.pick(Object.keys(ARITY));
      const n = r.next() < 0.9 ? ARITY[name]! : Math.floor(r.next() * 3);
      return `${name}(${Array.from({ length: n }, () => expr(d + 1)).join(', ')})`;
    }
    return `${r.pick(BY)}(${expr(d + 1)}, &${expr(d + 1)})`;
  };
  return r.next() < 0.1 ? r.pick(BROKEN) + (r.next() < 0.5 ? r.pick(FIELDS) : '') : expr(0);
};
