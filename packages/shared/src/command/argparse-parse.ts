// One argparse parser level, as Python 3.11's ArgumentParser.parse_known_args runs it for the AWS CLI: the
// token pattern (O/A/-), options and positionals consumed alternately, nargs regexes, `--`, choices, types,
// required arguments, and leftovers handed to the next level. Errors are values carrying argparse's message.
import type { ArgAction, Nargs } from '../aws-model/model-types.js';
import { closeMatches } from './close-matches.js';
import { isPyFloat, isPyInt, ljust, pyRepr } from './python-text.js';
import { classifyToken, type OptionToken } from './resolve-option.js';

/** What one parser knows about one argument; the model's ArgSpec is one, `command` is a CLI CommandAction. */
export type ParserAction = Readonly<{
  name: string;
  positional: boolean;
  action: ArgAction | 'command';
  nargs: Nargs;
  required: boolean;
  type: 'int' | 'float' | null;
  choices: readonly string[] | null;
  const: string | null;
}>;

export type ParsedValue = string | boolean | null | readonly string[] | readonly (readonly string[])[];

/** An option as it appeared on the command line: the token written and what it resolved to. */
export type OptionUse<A> = Readonly<{ action: A; written: string; index: number }>;

export type LevelResult<A extends ParserAction> =
  | Readonly<{ kind: 'parsed'; values: ReadonlyMap<A, ParsedValue>; extras: readonly string[]; uses: readonly OptionUse<A>[] }>
  | Readonly<{ kind: 'version' }>
  | Readonly<{ kind: 'error'; message: string }>;

class ArgparseError extends Error {}
class VersionExit extends Error {}

const actionName = (a: ParserAction): string => (a.positional ? a.name : `--${a.name}`);
const argumentError = (a: ParserAction, message: string): ArgparseError =>
  new ArgparseError(`argument ${actionName(a)}: ${message}`);

const effectiveNargs = (a: ParserAction): Nargs =>
  a.action === 'store_true' || a.action === 'store_false' || a.action === 'store_const' || a.action === 'version' ? 0 : a.nargs;

/** argparse `_get_nargs_pattern`: `-` stands for a `--` token, which options may not consume. */
const nargsPattern = (a: ParserAction): string => {
  const nargs = effectiveNargs(a);
  let p: string;
  if (nargs === null) p = '(-*A-*)';
  else if (nargs === '?') p = '(-*A?-*)';
  else if (nargs === '*') p = '(-*[A-]*)';
  else if (nargs === '+') p = '(-*A[A-]*)';
  else p = `(-*${Array.from({ length: nargs }, () => 'A').join('-*')}-*)`;
  return a.positional ? p : p.replaceAll('-*', '').replaceAll('-', '');
};

const matchArgument = (a: ParserAction, pattern: string): number => {
  const m = new RegExp(`^${nargsPattern(a)}`).exec(pattern);
  if (m === null) {
    const nargs = effectiveNargs(a);
    const msg =
      nargs === null ? 'expected one argument'
      : nargs === '?' ? 'expected at most one argument'
      : nargs === '+' ? 'expected at least one argument'
      : `expected ${nargs} argument${nargs === 1 ? '' : 's'}`;
    throw argumentError(a, msg);
  }
  return (m[1] as string).length;
};

const matchPartial = (actions: readonly ParserAction[], pattern: string): number[] => {
  for (let i = actions.length; i > 0; i -= 1) {
    const m = new RegExp(`^${actions.slice(0, i).map(nargsPattern).join('')}`).exec(pattern);
    if (m !== null) return m.slice(1).map((g) => (g as string).length);
  }
  return [];
};

/** CLIArgParser._check_value: the choices two per line, then difflib suggestions. */
const checkValue = (a: ParserAction, value: string): void => {
  if (a.choices === null || a.choices.includes(value)) return;
  const lines = ['Invalid choice, valid choices are:\n'];
  for (let i = 0; i < a.choices.length; i += 2)
    lines.push(a.choices.slice(i, i + 2).map((c) => ljust(c, 40)).join(' | '));
  const possible = closeMatches(value, a.choices, 3, 0.8);
  if (possible.length > 0) lines.push(`\n\nInvalid choice: ${pyRepr(value)}, maybe you meant:\n`, ...possible.map((w) => `  * ${w}`));
  throw argumentError(a, lines.join('\n'));
};

const checkType = (a: ParserAction, value: string): void => {
  if (a.type === 'int' && !isPyInt(value)) throw argumentError(a, `invalid int value: ${pyRepr(value)}`);
  if (a.type === 'float' && !isPyFloat(value)) throw argumentError(a, `invalid float value: ${pyRepr(value)}`);
};

/** argparse `_get_values`; values stay the strings the agent wrote (types are only checked). */
const getValues = (a: ParserAction, strings: readonly string[]): ParsedValue => {
  const args = [...strings];
  const dashes = args.indexOf('--');
  if (dashes !== -1) args.splice(dashes, 1);
  const nargs = effectiveNargs(a);
  const one = (s: string): string => {
    checkType(a, s);
    checkValue(a, s);
    return s;
  };
  if (args.length === 0 && nargs === '?') return a.positional || a.const === null ? null : one(a.const);
  if (args.length === 0 && nargs === '*' && a.positional) return [];
  if (args.length === 1 && (nargs === null || nargs === '?')) return one(args[0] as string);
  return args.map(one);
};

export const parseLevel = <A extends ParserAction>(actions: readonly A[], argv: readonly string[]): LevelResult<A> => {
  const options = new Map<string, A>(actions.filter((a) => !a.positional).map((a) => [`--${a.name}`, a]));
  const optionAt = new Map<number, OptionToken<A>>();
  let pattern = '';
  try {
    for (let i = 0; i < argv.length; i += 1) {
      if (argv[i] === '--') {
        pattern += '-' + 'A'.repeat(argv.length - i - 1);
        break;
      }
      const c = classifyToken(options, argv[i] as string);
      if (c.kind === 'ambiguous') throw new ArgparseError(c.message);
      if (c.kind === 'argument') pattern += 'A';
      else {
        optionAt.set(i, c.option);
        pattern += 'O';
      }
    }

    const values = new Map<A, ParsedValue>();
    const seen = new Set<A>();
    const uses: OptionUse<A>[] = [];
    const extras: string[] = [];
    const takeAction = (a: A, strings: readonly string[]): void => {
      seen.add(a);
      const value = getValues(a, strings);
      if (a.action === 'version') throw new VersionExit();
      if (a.action === 'store_true') values.set(a, true);
      else if (a.action === 'store_false') values.set(a, false);
      else if (a.action === 'store_const') values.set(a, a.const);
      else if (a.action === 'append') values.set(a, [...((values.get(a) as string[][] | undefined) ?? []), value as string[]]);
      else values.set(a, value);
    };

    const consumeOptional = (start: number): number => {
      const { action, optionString, explicit } = optionAt.get(start) as OptionToken<A>;
      if (action === null) {
        extras.push(argv[start] as string);
        return start + 1;
      }
      uses.push({ action, written: argv[start] as string, index: start });
      if (explicit !== null) {
        // Every option here is `--name`: an attached value must be one the action takes.
        if (matchArgument(action, 'A') !== 1) throw argumentError(action, `ignored explicit argument ${pyRepr(explicit)}`);
        takeAction(action, [explicit]);
        return start + 1;
      }
      const count = matchArgument(action, pattern.slice(start + 1));
      takeAction(action, argv.slice(start + 1, start + 1 + count));
      void optionString;
      return start + 1 + count;
    };

    let positionals = actions.filter((a) => a.positional);
    const consumePositionals = (start: number): number => {
      const counts = matchPartial(positionals, pattern.slice(start));
      let at = start;
      counts.forEach((count, i) => {
        takeAction(positionals[i] as A, argv.slice(at, at + count));
        at += count;
      });
      positionals = positionals.slice(counts.length);
      return at;
    };

    const optionIndices = [...optionAt.keys()];
    const maxOption = optionIndices.length === 0 ? -1 : Math.max(...optionIndices);
    let start = 0;
    while (start <= maxOption) {
      const nextOption = Math.min(...optionIndices.filter((i) => i >= start));
      if (start !== nextOption) {
        const end = consumePositionals(start);
        if (end > start) {
          start = end;
          continue;
        }
        start = end;
      }
      if (!optionAt.has(start)) {
        extras.push(...argv.slice(start, nextOption));
        start = nextOption;
      }
      start = consumeOptional(start);
    }
    extras.push(...argv.slice(consumePositionals(start)));

    const missing = actions.filter((a) => a.required && !seen.has(a)).map(actionName);
    if (missing.length > 0) throw new ArgparseError(`the following arguments are required: ${missing.join(', ')}`);
    return { kind: 'parsed', values, extras, uses };
  } catch (e) {
    if (e instanceof VersionExit) return { kind: 'version' };
    if (e instanceof ArgparseError) return { kind: 'error', message: e.message };
    throw e;
  }
};
