// Which parts of a policy a caller's identity selects, whatever the command: the rules and masking entries whose
// identity selectors (agents, humans, groups, roles, issuers) all match, and the role mapping it would run as.
// For `aws-guard doctor --token`: commands, actions, regions and parameters still narrow these per command.
import { EXACT_CASE, matchAnyGlob } from '@aws-guard/shared/command/match-glob';
import { issuerOf, type PolicyIdentity } from './match-policy-rule.js';
import type { Policy, Selectors } from './policy.js';
import { selectRoleMapping } from './select-role-mapping.js';

type IdentitySelectors = Pick<Selectors, 'agents' | 'humans' | 'groups' | 'roles' | 'issuers'>;

const namesCaller = (s: IdentitySelectors): boolean => [s.agents, s.humans, s.groups, s.roles, s.issuers].some((x) => x !== undefined);

const selectsIdentity = (s: IdentitySelectors, who: PolicyIdentity): boolean => {
  const groups = s.groups;
  return (
    (s.agents === undefined || matchAnyGlob(s.agents, who.agent, EXACT_CASE)) &&
    (s.humans === undefined || matchAnyGlob(s.humans, who.human, EXACT_CASE)) &&
    (s.roles === undefined || matchAnyGlob(s.roles, who.role, EXACT_CASE)) &&
    (s.issuers === undefined || matchAnyGlob(s.issuers, issuerOf(who), EXACT_CASE)) &&
    (groups === undefined || who.groups.some((g) => matchAnyGlob(groups, g, EXACT_CASE)))
  );
};

export type IdentityRules = Readonly<{
  /** Rules that name this caller (by agent, human, group, role or issuer): `id (effect)`. */
  named: readonly string[];
  /** Rules that name no caller at all: they apply to everyone. */
  everyone: readonly string[];
  masking: readonly string[];
  /** The role mapping the caller's commands would run as, if any. */
  roleMapping: string | undefined;
}>;

export const rulesForIdentity = (policy: Pick<Policy, 'rules' | 'masking' | 'credentials'>, who: PolicyIdentity): IdentityRules => ({
  named: policy.rules.filter((r) => namesCaller(r) && selectsIdentity(r, who)).map((r) => `${r.id} (${r.effect})`),
  everyone: policy.rules.filter((r) => !namesCaller(r)).map((r) => `${r.id} (${r.effect})`),
  masking: policy.masking.filter((m) => selectsIdentity(m, who)).map((m) => m.id),
  roleMapping: selectRoleMapping(policy, who)?.id,
});
