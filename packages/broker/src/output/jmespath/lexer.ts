// Python jmespath's lexer, line for line in behaviour: the same tokens, positions (in code points) and errors,
// including its leniencies (a backtick literal that is not JSON is read as a string).
import type { CliValue } from '../cli-value.js';
import { CliJsonError, parsePythonJson } from '../read-python-json.js';
import { pyLstrip } from '../py-text.js';
import { emptyError, lexerError } from './jmespath-error.js';

export type Token = Readonly<{ type: string; value: CliValue; start: number }>;

const SIMPLE: Readonly<Record<string, string>> = {
  '.': 'dot', '*': 'star', ']': 'rbracket', ',': 'comma', ':': 'colon', '@': 'current',
  '(': 'lparen', ')': 'rparen', '{': 'lbrace', '}': 'rbrace',
};
const START_IDENTIFIER = /^[A-Za-z_]$/;
const IDENTIFIER = /^[A-Za-z0-9_]$/;
const DIGIT = /^[0-9]$/;
const WHITESPACE = new Set([' ', '\t', '\n', '\r']);

export const tokenize = (expression: string): Token[] => {
  if (expression === '') throw emptyError();
  const chars = Array.from(expression); // Python indexes code points
  const length = chars.length;
  const tokens: Token[] = [];
  let position = 0;
  let current: string | undefined = chars[0];
  // Python's _next(): at the last character the position stays put and the current character becomes None.
  const next = (): string | undefined => {
    if (position === length - 1) current = undefined;
    else current = chars[++position];
    return current;
  };
  const consumeUntil = (delimiter: string): string => {
    const start = position;
    let buff = '';
    next();
    while (current !== delimiter) {
      if (current === '\\') {
        buff += '\\';
        next();
      }
      if (current === undefined) throw lexerError(expression, start, `Unclosed ${delimiter} delimiter`);
      buff += current;
      next();
    }
    next();
    return buff;
  };
  const matchOrElse = (expected: string, matchType: string, elseType: string): Token => {
    const start = position;
    const first = current!;
    if (next() === expected) {
      next();
      return { type: matchType, value: first + expected, start };
    }
    return { type: elseType, value: first, start };
  };
  const consumeNumber = (): string => {
    let buff = current!;
    while (next() !== undefined && DIGIT.test(current!)) buff += current;
    return buff;
  };
  const literal = (): Token => {
    const start = position;
    const lexeme = consumeUntil('`').replaceAll('\\`', '`');
    const value = tryJson(lexeme) ?? tryJson(`"${pyLstrip(lexeme)}"`);
    if (value === undefined) throw lexerError(expression, start, `Bad token ${lexeme}`);
    return { type: 'literal', value: value.v, start };
  };
  const quotedIdentifier = (): Token => {
    const start = position;
    const lexeme = `"${consumeUntil('"')}"`;
    try {
      return { type: 'quoted_identifier', value: parsePythonJson(lexeme), start };
    } catch (e) {
      throw lexerError(expression, start, e instanceof CliJsonError ? e.reason : String(e));
    }
  };

  while (current !== undefined) {
    const c: string = current;
    const simple = SIMPLE[c];
    if (simple !== undefined) {
      tokens.push({ type: simple, value: c, start: position });
      next();
    } else if (START_IDENTIFIER.test(c)) {
      const start = position;
      let buff = c;
      while (next() !== undefined && IDENTIFIER.test(current!)) buff += current;
      tokens.push({ type: 'unquoted_identifier', value: buff, start });
    } else if (WHITESPACE.has(c)) {
      next();
    } else if (c === '[') {
      const start = position;
      const after = next();
      if (after === ']') {
        next();
        tokens.push({ type: 'flatten', value: '[]', start });
      } else if (after === '?') {
        next();
        tokens.push({ type: 'filter', value: '[?', start });
      } else tokens.push({ type: 'lbracket', value: '[', start });
    } else if (c === "'") {
      const start = position;
      tokens.push({ type: 'literal', value: consumeUntil("'").replaceAll("\\'", "'"), start });
    } else if (c === '|') tokens.push(matchOrElse('|', 'or', 'pipe'));
    else if (c === '&') tokens.push(matchOrElse('&', 'and', 'expref'));
    else if (c === '`') tokens.push(literal());
    else if (DIGIT.test(c) || c === '-') {
      const start = position;
      const buff = consumeNumber();
      if (buff === '-') throw lexerError(expression, start, "Unknown token '-'");
      tokens.push({ type: 'number', value: Number(buff), start });
    } else if (c === '"') tokens.push(quotedIdentifier());
    else if (c === '<') tokens.push(matchOrElse('=', 'lte', 'lt'));
    else if (c === '>') tokens.push(matchOrElse('=', 'gte', 'gt'));
    else if (c === '!') tokens.push(matchOrElse('=', 'ne', 'not'));
    else if (c === '=') {
      if (next() === '=') {
        tokens.push({ type: 'eq', value: '==', start: position - 1 });
        next();
      } else throw lexerError(expression, current === undefined ? position : position - 1, "Unknown token '='");
    } else throw lexerError(expression, position, `Unknown token ${c}`);
  }
  tokens.push({ type: 'eof', value: '', start: length });
  return tokens;
};

const tryJson = (text: string): { v: CliValue } | undefined => {
  try {
    return { v: parsePythonJson(text) };
  } catch (e) {
    if (e instanceof CliJsonError) return undefined;
    throw e;
  }
};
