// Decides what one argv token is to one argparse parser level: a known option (exact, `--opt=value`, or a
// unique prefix), an unknown option, or an argument. Mirrors Python 3.11 argparse `_parse_optional` and
// `_get_option_tuples` (allow_abbrev on, prefix chars `-`), which the AWS CLI uses at every level.

/** An option as one parser knows it: `--` plus name, in the parser's registration order. */
export type OptionTable<A> = ReadonlyMap<string, A>;

export type OptionToken<A> = Readonly<{
  /** The parser's action, or null for an option-like token this parser does not know. */
  action: A | null;
  /** The option string it resolved to (`--endpoint-url` for `--endp=x`), or the token itself when unknown. */
  optionString: string;
  /** The part after `=`, when the value was attached. */
  explicit: string | null;
}>;

export type Classified<A> =
  | Readonly<{ kind: 'argument' }>
  | Readonly<{ kind: 'option'; option: OptionToken<A> }>
  | Readonly<{ kind: 'ambiguous'; message: string }>;

const ARGUMENT = Object.freeze({ kind: 'argument' as const });
// argparse's _negative_number_matcher; Python's \d is any Unicode decimal digit.
const NEGATIVE_NUMBER = /^-\p{Nd}+$|^-\p{Nd}*\.\p{Nd}+$/u;

const splitExplicit = (token: string): [string, string | null] => {
  const eq = token.indexOf('=');
  return eq === -1 ? [token, null] : [token.slice(0, eq), token.slice(eq + 1)];
};

/** Every option the token could abbreviate, in registration order (argparse `_get_option_tuples`). */
const prefixMatches = <A>(options: OptionTable<A>, token: string): OptionToken<A>[] => {
  const out: OptionToken<A>[] = [];
  if (token[1] === '-') {
    const [prefix, explicit] = splitExplicit(token);
    for (const [optionString, action] of options)
      if (optionString.startsWith(prefix)) out.push({ action, optionString, explicit });
  } else {
    // A single-dash token may also be a short option with its value attached (`-xVALUE`).
    const short = token.slice(0, 2);
    for (const [optionString, action] of options) {
      if (optionString === short) out.push({ action, optionString, explicit: token.slice(2) });
      else if (optionString.startsWith(token)) out.push({ action, optionString, explicit: null });
    }
  }
  return out;
};

export const classifyToken = <A>(options: OptionTable<A>, token: string): Classified<A> => {
  if (token === '' || token[0] !== '-') return ARGUMENT;
  const exact = options.get(token);
  if (exact !== undefined) return { kind: 'option', option: { action: exact, optionString: token, explicit: null } };
  if (token.length === 1) return ARGUMENT;
  if (token.includes('=')) {
    const [optionString, explicit] = splitExplicit(token);
    const action = options.get(optionString);
    if (action !== undefined) return { kind: 'option', option: { action, optionString, explicit } };
  }
  const matches = prefixMatches(options, token);
  if (matches.length > 1) {
    const names = matches.map((m) => m.optionString).join(', ');
    return { kind: 'ambiguous', message: `ambiguous option: ${token} could match ${names}` };
  }
  const [only] = matches;
  if (only !== undefined) return { kind: 'option', option: only };
  const negativeOptions = [...options.keys()].some((o) => NEGATIVE_NUMBER.test(o));
  if (NEGATIVE_NUMBER.test(token) && !negativeOptions) return ARGUMENT;
  if (token.includes(' ')) return ARGUMENT;
  return { kind: 'option', option: { action: null, optionString: token, explicit: null } };
};

/** Resolve a spelling the way the parser would: `--endp` → `--endpoint-url` (null if not a unique match). */
export const resolveOptionString = <A>(options: OptionTable<A>, token: string): string | null => {
  const classified = classifyToken(options, token);
  return classified.kind === 'option' && classified.option.action !== null ? classified.option.optionString : null;
};
