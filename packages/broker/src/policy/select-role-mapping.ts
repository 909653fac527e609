// Which of the policy's role mappings a caller's commands run as: the first whose selectors all match, in file
// order. Pure; no match means the broker's configured credentials mode.
import { EXACT_CASE, matchAnyGlob } from '@aws-guard/shared/command/match-glob';
import { issuerOf, type PolicyIdentity } from './match-policy-rule.js';
import type { Policy, RoleMapping } from './policy.js';

export type MappingIdentity = Pick<PolicyIdentity, 'agent' | 'human' | 'groups' | 'issuer'>;

/** Selectors as in rules: agents and humans are globs on the name; groups match when any caller group matches. */
const mappingHolds = (mapping: RoleMapping, who: MappingIdentity): boolean => {
  if (mapping.agents !== undefined && !matchAnyGlob(mapping.agents, who.agent, EXACT_CASE)) return false;
  if (mapping.humans !== undefined && !matchAnyGlob(mapping.humans, who.human, EXACT_CASE)) return false;
  if (mapping.issuers !== undefined && !matchAnyGlob(mapping.issuers, issuerOf(who), EXACT_CASE)) return false;
  const groups = mapping.groups;
  return groups === undefined || who.groups.some((g) => matchAnyGlob(groups, g, EXACT_CASE));
};

export const selectRoleMapping = (policy: Pick<Policy, 'credentials'>, who: MappingIdentity): RoleMapping | undefined =>
  policy.credentials.find((mapping) => mappingHolds(mapping, who));
