// Python's json.loads, character by character: the exact reader for --query literals and quoted identifiers, and
// for CLI output that the JSON.parse fast path (parse-cli-json.ts) cannot take.
import { keepKeyOrder, isIndexKey, setOwn, type CliObject, type CliValue } from './cli-value.js';
import { pyNumber } from './py-number.js';

export class CliJsonError extends Error {
  override readonly name = 'CliJsonError';
  readonly code = 'OUTPUT_NOT_JSON';
  /** Python's wording where the query lexer repeats it (`Invalid \escape`); a short reason otherwise. */
  readonly reason: string;
  readonly position: number;
  constructor(reason: string, position: number) {
    super(`${reason}: char ${position}`);
    this.reason = reason;
    this.position = position;
  }
}

/** json.loads exactly (control characters refused), for JMESPath literals and quoted identifiers. */
export const parsePythonJson = (text: string): CliValue => readPythonJson(text, { emptyIsObject: false, strict: true });

export type ReadOptions = Readonly<{
  /** Empty text is `{}` (the CLI prints nothing for an empty response) rather than an error. */
  emptyIsObject: boolean;
  /** Refuse raw control characters in strings, as json.loads does. */
  strict: boolean;
}>;

const ESCAPES: Readonly<Record<string, string>> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
const HEX4 = /^[0-9a-fA-F]{4}$/;

export const readPythonJson = (text: string, options: ReadOptions): CliValue => {
  const len = text.length;
  let pos = 0;
  // Where the next backslash is: searched again only once passed, so strings cost one indexOf each in total.
  let nextBackslash = -1;
  const fail = (reason: string, at = pos): never => {
    throw new CliJsonError(reason, at);
  };
  const skipSpace = (): number => {
    let p = pos;
    let c = text.charCodeAt(p);
    while (c <= 32 && (c === 32 || c === 10 || c === 13 || c === 9)) c = text.charCodeAt(++p);
    pos = p;
    return c;
  };

  const readString = (): string => {
    const start = pos + 1; // pos is on the opening quote
    const end = text.indexOf('"', start);
    if (end < 0) fail('Unterminated string starting at', pos);
    if (nextBackslash < start) {
      nextBackslash = text.indexOf('\\', start);
      if (nextBackslash < 0) nextBackslash = Infinity;
    }
    if (end < nextBackslash) {
      if (options.strict) checkControl(start, end);
      pos = end + 1;
      return text.slice(start, end);
    }
    return readEscapedString(start);
  };
  const checkControl = (from: number, to: number): void => {
    for (let i = from; i < to; i++) if (text.charCodeAt(i) < 32) fail('Invalid control character at', i);
  };
  const readEscapedString = (start: number): string => {
    let out = '';
    let chunk = start;
    let i = start;
    for (;;) {
      if (i >= len) fail('Unterminated string starting at', start - 1);
      const c = text.charCodeAt(i);
      if (c === 34) break;
      if (c < 32 && options.strict) fail('Invalid control character at', i);
      if (c !== 92) {
        i++;
        continue;
      }
      out += text.slice(chunk, i);
      const e = text[i + 1];
      if (e === 'u') {
        const code = readHex(i);
        i += 6;
        // A high surrogate followed by an escaped low one is one character, as in Python; lone ones stay.
        if (code >= 0xd800 && code <= 0xdbff && text[i] === '\\' && text[i + 1] === 'u') {
          const low = readHex(i);
          if (low >= 0xdc00 && low <= 0xdfff) {
            out += String.fromCharCode(code, low);
            i += 6;
            chunk = i;
            continue;
          }
        }
        out += String.fromCharCode(code);
      } else {
        const decoded = e === undefined ? undefined : ESCAPES[e];
        if (decoded === undefined) fail(e === undefined ? 'Unterminated string starting at' : 'Invalid \\escape', e === undefined ? start - 1 : i);
        out += decoded;
        i += 2;
      }
      chunk = i;
    }
    pos = i + 1;
    return out + text.slice(chunk, i);
  };
  const readHex = (at: number): number => {
    const hex = text.slice(at + 2, at + 6);
    if (!HEX4.test(hex)) fail('Invalid \\uXXXX escape', at);
    return parseInt(hex, 16);
  };

  const readNumber = (): CliValue => {
    const start = pos;
    if (text.charCodeAt(pos) === 45) {
      pos++;
      if (text.startsWith('Infinity', pos)) {
        pos += 8;
        return -Infinity;
      }
    }
    let c = text.charCodeAt(pos);
    if (c === 48) c = text.charCodeAt(++pos);
    else if (c >= 49 && c <= 57) while (c >= 48 && c <= 57) c = text.charCodeAt(++pos);
    else fail('Expecting value', start);
    let float = false;
    if (c === 46) {
      const d = text.charCodeAt(pos + 1);
      if (d >= 48 && d <= 57) {
        float = true;
        pos += 2;
        c = text.charCodeAt(pos);
        while (c >= 48 && c <= 57) c = text.charCodeAt(++pos);
      }
    }
    if (c === 101 || c === 69) {
      let at = pos + 1;
      const s = text.charCodeAt(at);
      if (s === 43 || s === 45) at++;
      let d = text.charCodeAt(at);
      if (d >= 48 && d <= 57) {
        float = true;
        while (d >= 48 && d <= 57) d = text.charCodeAt(++at);
        pos = at;
      }
    }
    const lexeme = text.slice(start, pos);
    const value = Number(lexeme);
    if (float) return Number.isInteger(value) ? pyNumber(value, true) : value;
    if (lexeme.length < 16) return value === 0 ? 0 : value;
    return Number.isSafeInteger(value) ? value : pyNumber(value, false, lexeme);
  };

  const readWord = (word: string, value: CliValue): CliValue => {
    if (!text.startsWith(word, pos)) fail('Expecting value');
    pos += word.length;
    return value;
  };

  const readArray = (): CliValue[] => {
    const list: CliValue[] = [];
    pos++;
    if (skipSpace() === 93) {
      pos++;
      return list;
    }
    for (;;) {
      list.push(readValue());
      const c = skipSpace();
      pos++;
      if (c === 93) return list;
      if (c !== 44) fail("Expecting ',' delimiter", pos - 1);
      skipSpace();
    }
  };

  const readObject = (): CliObject => {
    const obj: CliObject = {};
    let order: string[] | undefined;
    pos++;
    let c = skipSpace();
    if (c === 125) {
      pos++;
      return obj;
    }
    for (;;) {
      if (c !== 34) fail('Expecting property name enclosed in double quotes');
      const key = readString();
      if (skipSpace() !== 58) fail("Expecting ':' delimiter");
      pos++;
      skipSpace();
      const value = readValue();
      if (order === undefined && isIndexKey(key)) order = Object.keys(obj);
      if (order !== undefined && !Object.hasOwn(obj, key)) order.push(key);
      setOwn(obj, key, value);
      c = skipSpace();
      pos++;
      if (c === 125) break;
      if (c !== 44) fail("Expecting ',' delimiter", pos - 1);
      c = skipSpace();
    }
    if (order !== undefined) keepKeyOrder(obj, order);
    return obj;
  };

  const readValue = (): CliValue => {
    const c = text.charCodeAt(pos);
    if (c === 34) return readString();
    if (c === 123) return readObject();
    if (c === 91) return readArray();
    if (c === 45 || (c >= 48 && c <= 57)) return readNumber();
    if (c === 116) return readWord('true', true);
    if (c === 102) return readWord('false', false);
    if (c === 110) return readWord('null', null);
    if (c === 78) return readWord('NaN', NaN);
    if (c === 73) return readWord('Infinity', Infinity);
    return fail('Expecting value');
  };

  skipSpace();
  if (pos >= len) {
    if (options.emptyIsObject) return {};
    fail('Expecting value');
  }
  const value = readValue();
  skipSpace();
  if (pos < len) fail('Extra data');
  return value;
};
