// Python's str(), repr() and string ordering of CLI values: text and table output print values with str(), error
// messages with repr(), and sorted() orders strings by code point (JS's `<` orders UTF-16 units).
import { isCliObject, keysOf, type CliValue } from './cli-value.js';
import { formatPyNumber, isPyNumber } from './py-number.js';

/** `str(value)`: a string as it is, anything else as repr() would write it. */
export const pyStr = (v: CliValue): string => (typeof v === 'string' ? v : pyRepr(v));

export const pyRepr = (v: CliValue | undefined): string => {
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number' || isPyNumber(v)) return formatPyNumber(v);
  if (typeof v === 'string') return reprString(v);
  if (Array.isArray(v)) return `[${v.map(pyRepr).join(', ')}]`;
  if (isCliObject(v)) return `{${keysOf(v).map((k) => `${reprString(k)}: ${pyRepr(v[k])}`).join(', ')}}`;
  return 'None';
};

// Python's str.isprintable(): not Other (Cc Cf Cs Co Cn) or Separator (Zl Zp Zs) except the space itself.
const NOT_PRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u;
const NEEDS_ESCAPE = /[^\x20-\x7e]|['\\]/;

const hex = (n: number, width: number): string => n.toString(16).padStart(width, '0');

const reprString = (s: string): string => {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  if (!NEEDS_ESCAPE.test(s)) return `${quote}${s}${quote}`;
  let out = quote;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === quote || ch === '\\') out += `\\${ch}`;
    else if (ch === '\t') out += '\\t';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (c < 0x20 || c === 0x7f) out += `\\x${hex(c, 2)}`;
    else if (c < 0x7f || !NOT_PRINTABLE.test(ch)) out += ch;
    else if (c <= 0xff) out += `\\x${hex(c, 2)}`;
    else if (c <= 0xffff) out += `\\u${hex(c, 4)}`;
    else out += `\\U${hex(c, 8)}`;
  }
  return out + quote;
};

/** Code point order (Python's), from UTF-16 units: past the surrogates, units above them sort below them. */
export const comparePyStrings = (a: string, b: string): number => {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  if (i === n) return a.length - b.length;
  let x = a.charCodeAt(i);
  let y = b.charCodeAt(i);
  if (x >= 0xd800 && y >= 0xd800) {
    x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
    y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
  }
  return x - y;
};

/** sorted() of strings. */
export const sortPyStrings = (keys: Iterable<string>): string[] => [...keys].sort(comparePyStrings);
