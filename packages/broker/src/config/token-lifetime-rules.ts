// Reads a maximum token lifetime from the config (auth.maxTokenLifetime, issuers.N.maxTokenLifetime): a
// duration within 1m..365d. Outside it is refused, never clamped: the operator meant something else.
import { parseDuration } from '@aws-guard/shared/duration';
import { MAX_TOKEN_LIFETIME_MS, MIN_TOKEN_LIFETIME_MS, TOKEN_LIFETIME_RANGE } from '../auth/token-lifetime.js';

/** The limit in ms, or undefined after pushing `at: why` onto problems. A value that is not text is the schema's. */
export const parseLifetimeLimit = (value: unknown, at: string, problems: string[]): number | undefined => {
  if (typeof value !== 'string') return undefined;
  const parsed = parseDuration(value);
  if (!parsed.ok) problems.push(`${at}: ${parsed.issue.message}`);
  else if (parsed.value < MIN_TOKEN_LIFETIME_MS || parsed.value > MAX_TOKEN_LIFETIME_MS) problems.push(`${at}: "${value}" must be from ${TOKEN_LIFETIME_RANGE}`);
  else return parsed.value;
  return undefined;
};
