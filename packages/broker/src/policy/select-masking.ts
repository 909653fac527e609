// Which of the policy's masking entries apply to one command and caller, merged into what the masker takes
// (masking/plan-document-masking.ts MaskRules). Pure. Selectors match as in rules (match-policy-rule.ts): a mask
// entry restricts (an unknown value matches it), a reveal permits (an unknown value never reveals).
import type { AwsCommand } from '@aws-guard/shared/command/aws-command';
import { ruleConditionsHold, selectedActions, type PolicyContext, type PolicyIdentity } from './match-policy-rule.js';
import type { MaskingRule, Policy, PolicyRule } from './policy.js';

export type MaskingSelection = Readonly<{
  /** Output paths to mask, from every matching mask entry (deduplicated, file order). */
  maskPaths: readonly string[];
  /** Regular expressions to mask inside strings, each named by its entry's id. */
  patterns: readonly Readonly<{ ruleId: string; source: string }>[];
  /** Output paths shown to the agent in clear (still masked in the record), from every matching reveal entry. */
  revealPaths: readonly string[];
  /** The entries that matched, in file order: recorded with the command. */
  ruleIds: readonly string[];
}>;

/** The rule the shared matchers read: a reveal takes the stance of allow, a mask the stance of deny. */
const asRule = (entry: MaskingRule): PolicyRule => ({
  id: entry.id,
  effect: entry.reveal === undefined ? 'deny' : 'allow',
  actions: entry.actions,
  commands: entry.commands,
  risks: entry.risks,
  agents: entry.agents,
  humans: entry.humans,
  groups: entry.groups,
  roles: entry.roles,
  issuers: entry.issuers,
  regions: entry.regions,
  accounts: entry.accounts,
  params: entry.params,
});

const applies = (entry: MaskingRule, cmd: AwsCommand, who: PolicyIdentity, ctx: PolicyContext): boolean => {
  const rule = asRule(entry);
  if (!ruleConditionsHold(rule, cmd, who, ctx)) return false;
  const selected = selectedActions(rule, cmd);
  // A mask applies when any of the command's actions is selected; a reveal only when all of them are.
  return rule.effect === 'allow' ? selected.all : selected.all || selected.actions.length > 0;
};

const unique = (items: readonly string[]): readonly string[] => Object.freeze([...new Set(items)]);

export const selectMasking = (
  policy: Pick<Policy, 'masking'>,
  cmd: AwsCommand,
  identity: PolicyIdentity,
  ctx: PolicyContext = {},
): MaskingSelection => {
  const matching = policy.masking.filter((entry) => applies(entry, cmd, identity, ctx));
  return Object.freeze({
    maskPaths: unique(matching.flatMap((e) => e.mask ?? [])),
    patterns: Object.freeze(matching.flatMap((e) => (e.patterns ?? []).map((source) => Object.freeze({ ruleId: e.id, source })))),
    revealPaths: unique(matching.flatMap((e) => e.reveal ?? [])),
    ruleIds: Object.freeze(matching.map((e) => e.id)),
  });
};
