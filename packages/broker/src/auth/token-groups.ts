// The groups a broker token may name: one rule for minting (`aws-guard token issue`) and verifying, so that
// the broker never accepts a group list its own issuer would not have written.
import { fail, ok, type Result } from '@aws-guard/shared/result';

export const MAX_TOKEN_GROUPS = 32;
/** Letters, digits and the separators group names use in directories and IdPs (`team-a`, `org:sre/eu`, `x@corp`). */
export const GROUP_NAME = /^[A-Za-z0-9._:@/-]{1,128}$/;

/**
 * A claim value as a group list: absent means none; anything else must be an array of at most 32 valid names.
 * Duplicates are dropped (order kept) so that the list policy and approvals see is a set.
 */
export const checkTokenGroups = (value: unknown): Result<readonly string[], 'TOKEN_GROUPS_INVALID'> => {
  if (value === undefined) return ok(Object.freeze([]));
  if (!Array.isArray(value)) return fail('TOKEN_GROUPS_INVALID', 'groups must be a list of group names');
  if (value.length > MAX_TOKEN_GROUPS) return fail('TOKEN_GROUPS_INVALID', `at most ${MAX_TOKEN_GROUPS} groups (got ${value.length})`);
  const bad = value.find((g) => typeof g !== 'string' || !GROUP_NAME.test(g));
  if (bad !== undefined) return fail('TOKEN_GROUPS_INVALID', `group ${JSON.stringify(bad)} is not 1-128 letters, digits or ._:@/-`);
  return ok(Object.freeze([...new Set(value as string[])]));
};
