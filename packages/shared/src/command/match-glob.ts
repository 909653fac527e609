// Glob matching for risk rules and policy rules: `*` is any run of characters (empty too), `?` one character,
// everything else literal. IAM action names compare case-insensitively (AWS does); values do not.

export type GlobOptions = Readonly<{ caseInsensitive: boolean }>;

const escapeLiteral = (text: string): string => text.replace(/[.+^${}()|[\]\\/-]/g, '\\$&');

const globBody = (pattern: string): string =>
  pattern
    .split('*')
    .map((part) => part.split('?').map(escapeLiteral).join('.'))
    .join('.*');

// `s` so that `*` also spans newlines in parameter values: a glob must never be dodged by a line break.
const flags = (options: GlobOptions): string => (options.caseInsensitive ? 'is' : 's');

export const globToRegExp = (pattern: string, options: GlobOptions): RegExp => new RegExp(`^${globBody(pattern)}$`, flags(options));

/**
 * One alternation per pattern list and case mode, compiled on first use and kept as long as the list lives:
 * rule tables and frozen policies are matched against every command, so this is the hot path of a decision.
 */
const compiledLists = new WeakMap<readonly string[], { i?: RegExp; s?: RegExp }>();

const listRegExp = (patterns: readonly string[], options: GlobOptions): RegExp => {
  let entry = compiledLists.get(patterns);
  if (entry === undefined) {
    entry = {};
    compiledLists.set(patterns, entry);
  }
  const key = options.caseInsensitive ? 'i' : 's';
  let re = entry[key];
  if (re === undefined) {
    re = new RegExp(`^(?:${patterns.map(globBody).join('|')})$`, flags(options));
    entry[key] = re;
  }
  return re;
};

export const matchGlob = (pattern: string, text: string, options: GlobOptions): boolean => globToRegExp(pattern, options).test(text);

export const matchAnyGlob = (patterns: readonly string[], text: string, options: GlobOptions): boolean =>
  patterns.length > 0 && listRegExp(patterns, options).test(text);

/** IAM actions (`s3:DeleteBucket`) are case-insensitive in AWS; so are ours. */
export const IAM_CASE = Object.freeze({ caseInsensitive: true });
/** Parameter values, identities and regions are matched exactly as written. */
export const EXACT_CASE = Object.freeze({ caseInsensitive: false });
