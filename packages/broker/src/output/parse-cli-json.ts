// Reads what the CLI printed with `--output json` (json.dumps, indent 4) into CLI values, at close to JSON.parse's
// speed: JSON.parse does the work, and only the numbers it would get wrong are found first and boxed after.
import { isCliObject, setOwn, type CliObject, type CliValue } from './cli-value.js';
import { pyNumber } from './py-number.js';
import { readPythonJson } from './read-python-json.js';

export { CliJsonError } from './read-python-json.js';

/** Keys JS would reorder (`"7":`, or digits written as `\u0037`): the exact reader keeps their order. */
const INDEX_KEY = /"\d+"\s*:|\\u003\d/;
/** Where an exponent may be: a digit, e, a digit (`1e+16`). */
const EXPONENT = /\d[eE][-+]?\d/g;
/** For text not laid out by json.dumps(indent=4): anything like an integral float or a long int, even in a string. */
const LOOSE_CANDIDATE = /(?:^|[:,[\s])-?\d+(?:\.0+(?![1-9])|(?:\.\d+)?[eE]|\d{15})/;
/** Stands in for a number while JSON.parse runs: a string starting with NUL, which the data then must not hold. */
const ESCAPED_MARK = '\\u0000';

const exact = (text: string): CliValue => readPythonJson(text, { emptyIsObject: true, strict: false });

const isDigit = (c: number): boolean => c >= 48 && c <= 57;

/**
 * The document the CLI printed. Empty output is `{}` (the CLI prints nothing for an empty response). Throws
 * CliJsonError on anything json.loads would refuse.
 */
export const parseCliJson = (text: string): CliValue => {
  if (text.trim() === '') return {};
  if (INDEX_KEY.test(text)) return exact(text);
  // json.dumps(indent=4) puts every number after `": ` or alone on a line; other layouts take the slow path.
  const pretty = /^[[{]\n/.test(text);
  if (!pretty) return LOOSE_CANDIDATE.test(text) ? exact(text) : jsonParse(text, text, false);
  const numbers = integralFloats(text);
  if (numbers.length === 0) return jsonParse(text, text, false);
  if (text.includes(ESCAPED_MARK)) return exact(text);
  let stand = '';
  let at = 0;
  for (const [start, end] of numbers) {
    stand += `${text.slice(at, start)}"${ESCAPED_MARK}${text.slice(start, end)}"`;
    at = end;
  }
  return jsonParse(stand + text.slice(at), text, true);
};

/**
 * [start, end) of each number in pretty text that is an integral float (`1.0`, `1e+16`): every such lexeme has
 * `.0` or an exponent. A hit inside a string (`"10.0.0.1"`) fails the layout check: a string cannot hold the
 * raw newline a number value is followed by.
 */
const integralFloats = (text: string): [number, number][] => {
  const found = new Map<number, number>();
  const consider = (hit: number): void => {
    let start = hit;
    while (start > 0 && (isDigit(text.charCodeAt(start - 1)) || text[start - 1] === '.')) start--;
    if (text[start - 1] === '-') start--;
    if (found.has(start) || !isValuePosition(text, start)) return;
    const match = /-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?/y;
    match.lastIndex = start;
    const lexeme = match.exec(text)?.[0];
    if (lexeme === undefined) return;
    const end = start + lexeme.length;
    const after = text[end] === ',' ? end + 1 : end;
    if (text[after] !== '\n' || !Number.isInteger(Number(lexeme))) return;
    found.set(start, end);
  };
  for (let i = text.indexOf('.0'); i >= 0; i = text.indexOf('.0', i + 2)) consider(i);
  for (const m of text.matchAll(EXPONENT)) consider(m.index!);
  return [...found].sort((a, b) => a[0] - b[0]);
};

/** After `": ` (a member's value) or at the start of a line after its indentation (an array's item). */
const isValuePosition = (text: string, start: number): boolean => {
  if (text[start - 1] !== ' ') return false;
  if (text[start - 2] === ':' && text[start - 3] === '"') return true;
  let i = start - 1;
  while (text[i] === ' ') i--;
  return text[i] === '\n';
};

/** JSON.parse, or the exact reader for what it refuses (NaN and Infinity, which Python writes) or would round. */
const jsonParse = (text: string, original: string, marked: boolean): CliValue => {
  let value: CliValue;
  try {
    value = JSON.parse(text) as CliValue;
  } catch {
    return exact(original);
  }
  return restore(value, marked) ? value : exact(original);
};

const numberOf = (lexeme: string): CliValue => {
  const value = Number(lexeme);
  return Number.isInteger(value) ? pyNumber(value, true) : value;
};

const isMark = (v: CliValue | undefined): v is string => typeof v === 'string' && v.charCodeAt(0) === 0;
/** An int JSON.parse has rounded: its digits are only in the text. */
const isRounded = (v: CliValue | undefined): boolean => typeof v === 'number' && Number.isInteger(v) && !Number.isSafeInteger(v);

/** Puts the numbers back where JSON.parse left their stand-ins; false where an int beyond 2^53 was rounded. */
const restore = (value: CliValue, marked: boolean): boolean => {
  if (typeof value !== 'object' || value === null) return !isRounded(value);
  const stack: CliValue[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const item = v[i]!;
        if (typeof item === 'object' && item !== null) stack.push(item);
        else if (marked && isMark(item)) v[i] = numberOf(item.slice(1));
        else if (isRounded(item)) return false;
      }
    } else if (isCliObject(v)) {
      const obj = v as CliObject;
      for (const key in obj) {
        const item = obj[key]!;
        if (typeof item === 'object' && item !== null) stack.push(item);
        else if (marked && isMark(item)) setOwn(obj, key, numberOf(item.slice(1)));
        else if (isRounded(item)) return false;
      }
    }
  }
  return true;
};
