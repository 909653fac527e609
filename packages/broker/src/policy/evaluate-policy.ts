// One decision for one command: forbidden → deny whatever the policy says; else deny > approve > allow among the
// matching rules; else the default for the command's risk class. Pure: the same inputs give the same decision.
import type { AwsCommand } from '@aws-guard/shared/command/aws-command';
import { ruleConditionsHold, selectedActions, type PolicyContext, type PolicyIdentity } from './match-policy-rule.js';
import { DEFAULT_APPROVAL, type Approval, type Policy, type PolicyRule } from './policy.js';
import type { Effect } from './policy-schema.js';

export type PolicyDecision = Readonly<{
  decision: Effect;
  /** The deciding rule's id, `default:<risk>`, or `forbidden:<code>`. */
  rule: string;
  /** Why, most important first: the deciding rule's message, then what makes the command risky. */
  reasons: readonly string[];
  policyHash: string;
  /** What the approval needs, exactly when decision is approve. */
  approval?: Approval;
  /**
   * The command's wall-time limit when a deciding rule sets `timeout` (the smallest of them); absent = the
   * broker's exec.timeout. Only on allow and approve: a denied command never runs.
   */
  timeoutMs?: number;
}>;

export type { PolicyContext, PolicyIdentity };

const describeRule = (rule: PolicyRule): string =>
  `rule ${rule.id} (${rule.effect})${rule.message === undefined ? '' : `: ${rule.message}`}`;

/** The smallest limit among the rules that decided: any of them may ask for a shorter run, none for a longer one. */
const smallestTimeout = (rules: readonly PolicyRule[]): number | undefined =>
  rules.reduce<number | undefined>((least, r) => (r.timeoutMs === undefined ? least : Math.min(least ?? Infinity, r.timeoutMs)), undefined);

const decide = (
  policy: Policy,
  cmd: AwsCommand,
  decision: Effect,
  rule: string,
  reasons: readonly string[],
  deciding: Readonly<{ approval?: Approval; rules?: readonly PolicyRule[] }> = {},
): PolicyDecision => {
  const timeoutMs = decision === 'deny' ? undefined : smallestTimeout(deciding.rules ?? []);
  return Object.freeze({
    decision,
    rule,
    reasons: Object.freeze([...reasons, ...cmd.riskReasons]),
    policyHash: policy.hash,
    ...(decision === 'approve' ? { approval: deciding.approval ?? DEFAULT_APPROVAL } : {}),
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
  });
};

/** Several approve rules: the one asking for the most approvers decides (the first of equals, in file order). */
const strictest = (rules: readonly PolicyRule[]): PolicyRule =>
  rules.reduce((best, r) => ((r.approval?.approvers ?? 1) > (best.approval?.approvers ?? 1) ? r : best));

export const evaluatePolicy = (policy: Policy, cmd: AwsCommand, identity: PolicyIdentity, ctx: PolicyContext = {}): PolicyDecision => {
  if (cmd.risk === 'forbidden' || cmd.forbidden.length > 0)
    return decide(policy, cmd, 'deny', `forbidden:${cmd.forbidden[0]?.code ?? 'FORBIDDEN_COMMAND'}`, ['refused whatever the policy says']);

  const applicable = policy.rules.filter((rule) => ruleConditionsHold(rule, cmd, identity, ctx));
  const selecting = (effect: Effect) =>
    applicable.filter((rule) => rule.effect === effect).map((rule) => ({ rule, ...selectedActions(rule, cmd) }));

  const denies = selecting('deny').filter((m) => m.all || m.actions.length > 0).map((m) => m.rule);
  if (denies.length > 0) {
    const [first, ...others] = denies as [PolicyRule, ...PolicyRule[]];
    return decide(policy, cmd, 'deny', first.id, [describeRule(first), ...others.map((r) => `also ${describeRule(r)}`)]);
  }

  const approves = selecting('approve').filter((m) => m.all || m.actions.length > 0).map((m) => m.rule);
  if (approves.length > 0) {
    const chosen = strictest(approves);
    return decide(policy, cmd, 'approve', chosen.id, [describeRule(chosen)], { approval: chosen.approval, rules: approves });
  }

  // allow needs every action the command performs to be allowed, possibly by different rules: an allow for
  // s3:ListBucket must not let `s3 rb --force` (ListBucket + DeleteObject + DeleteBucket) through.
  const allows = selecting('allow');
  const covered = new Set(allows.flatMap((m) => m.actions));
  const allCovered = allows.some((m) => m.all) || (cmd.iamActions.length > 0 && cmd.iamActions.every((a) => covered.has(a)));
  const contributing = allows.filter((m) => m.all || m.actions.length > 0).map((m) => m.rule);
  if (allCovered && contributing.length > 0) {
    const [first, ...others] = contributing as [PolicyRule, ...PolicyRule[]];
    return decide(policy, cmd, 'allow', first.id, [describeRule(first), ...others.map((r) => `with ${describeRule(r)}`)], { rules: contributing });
  }

  const risk = cmd.risk;
  const effect = policy.defaults[risk];
  const partial =
    contributing.length > 0
      ? [`allow rules ${contributing.map((r) => r.id).join(', ')} do not cover ${cmd.iamActions.filter((a) => !covered.has(a)).join(', ')}`]
      : [];
  return decide(policy, cmd, effect, `default:${risk}`, [`no rule decides; the default for ${risk} commands is ${effect}`, ...partial]);
};
