// The errors Python's jmespath (1.x, as the CLI runs it) raises, worded exactly as str() of the Python exception,
// since the CLI prints that text. Positions count code points, as Python's indexes do.
import type { CliValue } from '../cli-value.js';
import { pyStr } from '../py-text.js';

export type JmesPathErrorKind = 'parse' | 'runtime';

export class JmesPathError extends Error {
  override readonly name = 'JmesPathError';
  /** `parse`: the CLI refuses the --query before any call; `runtime`: it fails after the call, printing no output. */
  readonly kind: JmesPathErrorKind;
  constructor(kind: JmesPathErrorKind, message: string) {
    super(message);
    this.kind = kind;
  }
}

const underline = (spaces: number): string => `${' '.repeat(spaces)}^`;

/** A Python list of strings as repr() prints it: `['string', 'array']`. */
export const reprNames = (names: readonly string[]): string => `[${names.map((n) => `'${n}'`).join(', ')}]`;

export const lexerError = (expression: string, position: number, message: string): JmesPathError =>
  new JmesPathError('parse', `Bad jmespath expression: ${message}:\n${expression}\n${underline(position)}`);

export type TokenLike = Readonly<{ start: number; value: CliValue; type: string }>;

export const parseError = (expression: string, token: TokenLike, message: string, position = token.start): JmesPathError =>
  new JmesPathError(
    'parse',
    `${message}: Parse error at column ${position}, token "${pyStr(token.value)}" (${token.type.toUpperCase()}), for expression:\n"${expression}"\n${underline(position + 1)}`,
  );

export const incompleteError = (expression: string, length: number): JmesPathError =>
  new JmesPathError('parse', `Invalid jmespath expression: Incomplete expression:\n"${expression}"\n${underline(length + 1)}`);

export const emptyError = (): JmesPathError => new JmesPathError('parse', 'Invalid JMESPath expression: cannot be empty.');

export const runtimeError = (message: string): JmesPathError => new JmesPathError('runtime', message);

const plural = (n: number): string => (n === 1 ? 'argument' : 'arguments');

export const arityError = (name: string, expected: number, actual: number, variadic: boolean): JmesPathError =>
  runtimeError(`Expected ${variadic ? 'at least ' : ''}${expected} ${plural(expected)} for function ${name}(), received ${actual}`);

/** JMESPathTypeError: `shown` is str() of the value, the expected types a Python list. */
export const typeError = (name: string, shown: string, actual: string, expected: readonly string[]): JmesPathError =>
  runtimeError(`In function ${name}(), invalid type for value: ${shown}, expected one of: ${reprNames(expected)}, received: "${actual}"`);
