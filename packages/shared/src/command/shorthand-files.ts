// The files a shorthand value makes the CLI read: `key@=file://p` / `key@=fileb://p` (AWS-CLI.md §3.1).
// A port of the parts of awscli/shorthand.py ShorthandParser that decide which values get loaded — including its
// one parser-wide flag, which a nested `key=` resets. Only the file references are returned, in reading order;
// a syntax error ends the scan where the CLI's parse would stop.

export type ShorthandFile = Readonly<{ prefix: 'file://' | 'fileb://'; path: string }>;

class SyntaxStop extends Error {}

// The value regexes of ShorthandParser (code points up to U+FFFF, as Python's ranges are written).
const START_WORD = '!#-&(-+\\--<>-Z\\\\-z|-\\uffff';
// Python's \s in a str pattern includes \x1c-\x1f (the other Unicode spaces fall in the ranges anyway).
const SPACE = '\\t\\n\\v\\f\\r\\x1c-\\x20';
const FIRST_FOLLOW = `${SPACE}!#-&(-+\\--\\\\^-|~-\\uffff`;
const SECOND_FOLLOW = `${SPACE}!#-&(-+\\--<>-\\uffff`;
const FIRST_VALUE = new RegExp(`^(?:\\\\,|[${START_WORD}])(?:\\\\,|[${FIRST_FOLLOW}])*`, 'u');
const SECOND_VALUE = new RegExp(`^(?:\\\\,|[${START_WORD}])(?:\\\\,|[${SECOND_FOLLOW}])*`, 'u');
const SINGLE_QUOTED = /^'(?:\\'|[^'])*'/u;
const DOUBLE_QUOTED = /^"(?:\\"|[^"])*"/u;
const KEY_CHAR = /^[A-Za-z0-9\-_.#/:]$/;
// Python's string.whitespace.
const WHITESPACE = ' \t\n\r\v\f';

export const shorthandFiles = (input: string): ShorthandFile[] => {
  const found: ShorthandFile[] = [];
  let i = 0;
  let resolve = false;
  const eof = () => i >= input.length;
  const skipSpace = () => {
    while (!eof() && WHITESPACE.includes(input[i] as string)) i += 1;
  };
  const expect = (ch: string, space = false) => {
    if (space) skipSpace();
    if (input[i] !== ch) throw new SyntaxStop();
    i += 1;
    if (space) skipSpace();
  };
  const consume = (re: RegExp, required: boolean): string => {
    const m = re.exec(input.slice(i));
    if (m === null) {
      if (required) throw new SyntaxStop();
      return '';
    }
    i += m[0].length;
    return m[0];
  };
  const loaded = (value: string) => {
    if (!resolve) return;
    if (value.startsWith('file://')) found.push({ prefix: 'file://', path: value.slice(7) });
    else if (value.startsWith('fileb://')) found.push({ prefix: 'fileb://', path: value.slice(8) });
  };
  const unquote = (raw: string, q: string) => raw.slice(1, -1).replaceAll(`\\${q}`, q).replaceAll('\\\\', '\\');
  const quotedOr = (plain: () => void) => {
    if (input[i] === "'") loaded(unquote(consume(SINGLE_QUOTED, true), "'"));
    else if (input[i] === '"') loaded(unquote(consume(DOUBLE_QUOTED, true), '"'));
    else plain();
  };
  const firstValue = () => quotedOr(() => loaded(consume(FIRST_VALUE, false).replaceAll('\\,', ',').trimEnd()));
  const secondValue = () => quotedOr(() => loaded(consume(SECOND_VALUE, true).replaceAll('\\,', ',').trimEnd()));
  const key = () => {
    while (!eof() && KEY_CHAR.test(input[i] as string)) i += 1;
  };
  const atFlag = () => {
    resolve = false;
    skipSpace();
    if (input[i] === '@') {
      i += 1;
      skipSpace();
      resolve = true;
    }
    expect('=', true);
  };
  const csvValue = () => {
    firstValue();
    skipSpace();
    if (eof() || input[i] !== ',') return;
    expect(',', true);
    for (;;) {
      try {
        secondValue();
        skipSpace();
        if (eof()) return;
        expect(',', true);
      } catch (e) {
        if (!(e instanceof SyntaxStop) || eof()) throw e;
        // The next item is a `key=…`: back to the comma before it (ShorthandParser._backtrack_to).
        i = input.lastIndexOf(',', i);
        return;
      }
    }
  };
  const explicitValues = (): void => {
    if (input[i] === '[') explicitList();
    else if (input[i] === '{') hashLiteral();
    else firstValue();
  };
  const explicitList = () => {
    expect('[', true);
    while (input[i] !== ']') {
      if (eof()) throw new SyntaxStop();
      explicitValues();
      skipSpace();
      if (input[i] !== ']') {
        expect(',');
        skipSpace();
      }
    }
    expect(']');
  };
  function hashLiteral(): void {
    expect('{', true);
    while (input[i] !== '}') {
      if (eof()) throw new SyntaxStop();
      key();
      atFlag();
      explicitValues();
      skipSpace();
      if (input[i] !== '}') {
        expect(',');
        skipSpace();
      }
    }
    expect('}');
  }
  const values = () => {
    if (eof()) return;
    if (input[i] === '[') explicitList();
    else if (input[i] === '{') hashLiteral();
    else csvValue();
  };
  const keyval = () => {
    key();
    atFlag();
    values();
  };
  try {
    keyval();
    while (!eof()) {
      expect(',', true);
      keyval();
    }
  } catch (e) {
    if (!(e instanceof SyntaxStop)) throw e;
  }
  return found;
};
