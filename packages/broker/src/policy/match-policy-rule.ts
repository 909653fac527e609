// Whether one policy rule applies to one command and caller. A value the decision cannot see (no region, no
// account, a parameter from a file) counts as matching for deny/approve rules and as not matching for allow
// rules: an unknown never loosens the policy.
import type { AwsCommand } from '@aws-guard/shared/command/aws-command';
import { commandName } from '@aws-guard/shared/command/classify-risk';
import { EXACT_CASE, IAM_CASE, matchAnyGlob } from '@aws-guard/shared/command/match-glob';
import { lookupParam } from './command-params.js';
import type { PolicyRule } from './policy.js';

export type PolicyIdentity = Readonly<{
  agent: string;
  /** The human the agent acts for. */
  human: string;
  groups: readonly string[];
  /** The token's role (`agent`, `approver`, `admin`). */
  role: string;
  sessionId: string;
  /** Who vouched for the caller (auth/identity.ts issuerNameOf); absent = the broker's own tokens. */
  issuer?: string;
}>;

/** The issuer name rules match: a caller with none named came with a broker-issued token. */
export const issuerOf = (who: Pick<PolicyIdentity, 'issuer'>): string => who.issuer ?? 'aws-guard';

export type PolicyContext = Readonly<{
  /** The AWS account the broker's credentials act in, when known. */
  account?: string;
  /** The region the broker uses when the command names none. */
  defaultRegion?: string;
}>;

/** deny and approve rules restrict: unknowns match. allow rules permit: unknowns do not. */
type Stance = 'restrictive' | 'permissive';
const stanceOf = (rule: PolicyRule): Stance => (rule.effect === 'allow' ? 'permissive' : 'restrictive');

const matchKnown = (patterns: readonly string[] | undefined, value: string | undefined, stance: Stance): boolean => {
  if (patterns === undefined) return true;
  if (value === undefined) return stance === 'restrictive';
  return matchAnyGlob(patterns, value, EXACT_CASE);
};

const paramsMatch = (rule: PolicyRule, cmd: AwsCommand, stance: Stance): boolean =>
  Object.entries(rule.params ?? {}).every(([name, patterns]) => {
    const { values, unknown } = lookupParam(cmd, name);
    const hits = values.filter((v) => matchAnyGlob(patterns, v, EXACT_CASE));
    // A restrictive rule needs one matching value (`--instance-ids i-prod i-dev` is about i-prod); a permissive
    // rule needs every value to match, and nothing hidden.
    return stance === 'restrictive' ? hits.length > 0 || unknown : values.length > 0 && hits.length === values.length && !unknown;
  });

/** Everything but the actions: command, risk, identity, region, account and parameters. */
export const ruleConditionsHold = (rule: PolicyRule, cmd: AwsCommand, who: PolicyIdentity, ctx: PolicyContext): boolean => {
  const stance = stanceOf(rule);
  if (rule.commands !== undefined && !matchAnyGlob(rule.commands, commandName(cmd), IAM_CASE)) return false;
  if (rule.risks !== undefined && !(rule.risks as readonly string[]).includes(cmd.risk)) return false;
  if (rule.agents !== undefined && !matchAnyGlob(rule.agents, who.agent, EXACT_CASE)) return false;
  if (rule.humans !== undefined && !matchAnyGlob(rule.humans, who.human, EXACT_CASE)) return false;
  if (rule.roles !== undefined && !matchAnyGlob(rule.roles, who.role, EXACT_CASE)) return false;
  if (rule.issuers !== undefined && !matchAnyGlob(rule.issuers, issuerOf(who), EXACT_CASE)) return false;
  const groups = rule.groups;
  if (groups !== undefined && !who.groups.some((g) => matchAnyGlob(groups, g, EXACT_CASE))) return false;
  if (!matchKnown(rule.regions, cmd.region ?? ctx.defaultRegion, stance)) return false;
  if (!matchKnown(rule.accounts, ctx.account, stance)) return false;
  return paramsMatch(rule, cmd, stance);
};

/**
 * The command's IAM actions this rule selects. A rule without `actions` selects them all; a command that calls
 * no API (`s3 presign`) is selected only by the pattern `*` or by the rule's other selectors.
 */
export const selectedActions = (rule: PolicyRule, cmd: AwsCommand): Readonly<{ all: boolean; actions: readonly string[] }> => {
  const patterns = rule.actions;
  if (patterns === undefined) return { all: true, actions: cmd.iamActions };
  if (cmd.iamActions.length === 0) return { all: patterns.includes('*'), actions: [] };
  const actions = cmd.iamActions.filter((a) => matchAnyGlob(patterns, a, IAM_CASE));
  return { all: actions.length === cmd.iamActions.length, actions };
};
