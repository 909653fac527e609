// `--output json`: Python's json.dumps(value, indent=4, ensure_ascii=False) plus a newline, as the CLI prints it,
// and the one-line form (YAML output writes a bare scalar so).
import { hasKeyOrder, isCliObject, keysOf, type CliObject, type CliValue } from './cli-value.js';
import { formatJsonNumber, isPyNumber, stringifyMarked } from './py-number.js';

export type JsonStyle = Readonly<{
  /** Spaces per level (with `,` / `: ` separators), or undefined for one line with `,` / `:`. */
  indent?: number;
  /** Escape every character outside printable ASCII (`\u00e9`), as json.dumps does unless told otherwise. */
  ensureAscii: boolean;
}>;

const NEEDS_ESCAPE = /["\\\x00-\x1f]/;
const NOT_ASCII = /[^\x20-\x7e]/g;

const asciiEscape = (c: string): string => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

const quote = (s: string, ensureAscii: boolean): string => {
  // JSON.stringify escapes exactly as json.dumps does: \" \\ \b \f \n \r \t and \u00XX for other controls.
  const quoted = NEEDS_ESCAPE.test(s) ? JSON.stringify(s) : `"${s}"`;
  return ensureAscii ? quoted.replace(NOT_ASCII, asciiEscape) : quoted;
};

/** json.dumps of a CLI value: key order, int/float and non-finite numbers as Python writes them. */
export const serializeJson = (value: CliValue, style: JsonStyle): string => {
  const { indent, ensureAscii } = style;
  const pads: string[] = [];
  const pad = (depth: number): string => (pads[depth] ??= `\n${' '.repeat(indent! * depth)}`);
  const itemSep = indent === undefined ? ',' : undefined;
  const keySep = indent === undefined ? ':' : ': ';

  const write = (v: CliValue, depth: number): string => {
    if (typeof v === 'string') return quote(v, ensureAscii);
    if (typeof v === 'number') return Number.isInteger(v) || (Math.abs(v) >= 1e-4 && Number.isFinite(v)) ? String(v) : formatJsonNumber(v);
    if (v === null) return 'null';
    if (typeof v === 'boolean') return v ? 'true' : 'false';
    if (isPyNumber(v)) return formatJsonNumber(v);
    const inner = itemSep ?? `,${pad(depth + 1)}`;
    const open = itemSep === undefined ? pad(depth + 1) : '';
    const close = itemSep === undefined ? pad(depth) : '';
    if (Array.isArray(v)) {
      if (v.length === 0) return '[]';
      let out = `[${open}${write(v[0]!, depth + 1)}`;
      for (let i = 1; i < v.length; i++) out += inner + write(v[i]!, depth + 1);
      return `${out}${close}]`;
    }
    if (!isCliObject(v)) return 'null';
    const keys = keysOf(v);
    if (keys.length === 0) return '{}';
    let out = '{';
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i]!;
      out += `${i === 0 ? open : inner}${quote(k, ensureAscii)}${keySep}${write(v[k]!, depth + 1)}`;
    }
    return `${out}${close}}`;
  };
  return write(value, 0);
};

type Fast = 'plain' | 'boxed' | 'no';

/** A scalar JSON.stringify writes as json.dumps does, 'boxed', or 'no' (a float below 1e-4, NaN, ±inf, a mark). */
const scalarFast = (v: CliValue): Fast => {
  if (typeof v === 'number') return Number.isSafeInteger(v) || (Number.isFinite(v) && !Number.isInteger(v) && Math.abs(v) >= 1e-4) ? 'plain' : 'no';
  // The boxes' marks (`"\u0000…\u0001"`) must be the only such text in the output: no NUL, no U+0001 at the end.
  if (typeof v === 'string') return v.includes('\u0000') || v.charCodeAt(v.length - 1) === 1 ? 'no' : 'plain';
  return isPyNumber(v) ? 'boxed' : 'plain';
};

/**
 * Whether JSON.stringify writes exactly what json.dumps does ('plain'), does so once boxed numbers are unmarked
 * ('boxed'), or cannot: a key order JS changes, `1e-05` (JS writes `0.00001`), NaN, infinities.
 */
const fastPath = (value: CliValue): Fast => {
  let result: Fast = 'plain';
  const stack: (CliValue[] | CliObject)[] = [];
  const visit = (v: CliValue): boolean => {
    if (Array.isArray(v) || isCliObject(v)) {
      stack.push(v);
      return true;
    }
    const fast = scalarFast(v);
    if (fast === 'boxed') result = 'boxed';
    return fast !== 'no';
  };
  if (!visit(value)) return 'no';
  while (stack.length > 0) {
    const v = stack.pop()!;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) if (!visit(v[i]!)) return 'no';
    } else {
      if (hasKeyOrder(v)) return 'no';
      for (const key in v) if (!visit(v[key]!)) return 'no';
    }
  }
  return result;
};

/**
 * What `--output json` prints: nothing for an empty object (the CLI's "no response body" rule, which also
 * hides a query that yields `{}`), otherwise the value with a 4-space indent and a newline.
 */
export const renderJson = (value: CliValue): string => {
  if (isCliObject(value) && keysOf(value).length === 0) return '';
  const fast = fastPath(value);
  if (fast === 'plain') return `${JSON.stringify(value, null, 4)}\n`;
  if (fast === 'boxed') return `${stringifyMarked(value, 4).replaceAll('"\\u0000', '').replaceAll('\\u0001"', '')}\n`;
  return `${serializeJson(value, { indent: 4, ensureAscii: false })}\n`;
};
