// The few Python behaviours the CLI's error messages and argument types depend on: `repr()` of a string,
// `int()` and `float()` acceptance, and `'%-40s'` padding. Kept exact so usage errors match byte for byte.

// str.isprintable() is false for these categories (space excepted); repr() escapes them.
const NON_PRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u;
// str.strip() with no argument: Unicode whitespace as Python defines it (includes \x1c-\x1f, \x85).
const PY_SPACE = '[\\t\\n\\v\\f\\r \\x1c-\\x1f\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]*';
const DIGITS = '\\p{Nd}(?:_?\\p{Nd})*';
const PY_INT = new RegExp(`^${PY_SPACE}[+-]?${DIGITS}${PY_SPACE}$`, 'u');
const PY_FLOAT = new RegExp(
  `^${PY_SPACE}[+-]?(?:(?:${DIGITS}(?:\\.(?:${DIGITS})?)?|\\.${DIGITS})(?:[eE][+-]?${DIGITS})?|inf|infinity|nan)${PY_SPACE}$`,
  'iu',
);

const hex = (code: number, width: number): string => code.toString(16).padStart(width, '0');

const escapeChar = (ch: string, quote: string): string => {
  if (ch === '\\') return '\\\\';
  if (ch === quote) return `\\${quote}`;
  if (ch === '\n') return '\\n';
  if (ch === '\r') return '\\r';
  if (ch === '\t') return '\\t';
  if (ch === ' ' || !NON_PRINTABLE.test(ch)) return ch;
  const code = ch.codePointAt(0) ?? 0;
  if (code < 0x100) return `\\x${hex(code, 2)}`;
  if (code < 0x10000) return `\\u${hex(code, 4)}`;
  return `\\U${hex(code, 8)}`;
};

/** Python's repr() of a str: single quotes unless the text holds ' and no ". */
export const pyRepr = (text: string): string => {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of text) out += escapeChar(ch, quote);
  return out + quote;
};

/** Would Python's int(text) accept it (base 10)? */
export const isPyInt = (text: string): boolean => PY_INT.test(text);

/** Would Python's float(text) accept it? */
export const isPyFloat = (text: string): boolean => PY_FLOAT.test(text);

/** `'%-Ns' % text`: left-justified to N code points. */
export const ljust = (text: string, width: number): string => {
  const length = [...text].length;
  return length >= width ? text : text + ' '.repeat(width - length);
};
