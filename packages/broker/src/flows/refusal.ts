// Turns a decision that is not `allow` into what the agent reads: a stable code, one clear reason, and
// whether it is shown as an AWS AccessDenied error or as an aws-guard message (local-only commands).
import type { MaskPlan } from '../masking/plan-document-masking.js';
import type { AwsCommand } from '@aws-guard/shared/command/aws-command';
import type { RoleTarget } from '../credentials/credential-source.js';

export type Decision = Readonly<{
  effect: 'allow' | 'deny' | 'approve';
  /** The deciding rule: a policy rule id, `default:<risk>` or `forbidden:<code>`. */
  rule: string;
  reasons: readonly string[];
  policyHash?: string;
  /** A stable code for refusals that are not policy decisions (FILE_PATH_UNSAFE, …). */
  code?: string;
  /** What an `approve` decision needs: distinct approvers, an approver group, how long the approval stays usable. */
  approval?: Readonly<{ approvers: number; group?: string; expires?: string }>;
  /** The wall-time limit a deciding rule sets (the smallest); absent = the broker's exec.timeout. */
  timeoutMs?: number;
  /**
   * The role the policy's `credentials` mappings name for this caller, from the same policy as the decision (a
   * reload between deciding and running cannot pair one policy's decision with another's role); absent = the
   * broker's configured credentials mode. Only on allow and approve.
   */
  role?: RoleTarget;
  /**
   * How the command's output is masked as a document (docs/masking.md): the model's sensitive members and the
   * policy's mask/reveal rules, from the same policy as the decision. Absent = the output streams, pattern-masked.
   */
  masking?: DocumentMasking;
  /** For a custom command a policy reveals whole (`reveal: ['@']`): the rule ids; its output reaches the agent unmasked. */
  streamReveal?: readonly string[];
  /** For a custom command: the policy's own `patterns` (regex sources, by rule id), masked line by line in its streams. */
  streamPatterns?: readonly Readonly<{ ruleId: string; source: string }>[];
  /** The masking entries behind streamPatterns, for the audit. */
  streamRules?: readonly string[];
  /** The command's whole stdout is a secret (`ecr get-login-password`): every word of it is masked. */
  stdoutSecret?: boolean;
}>;

export type DocumentMasking = Readonly<{
  plan: MaskPlan;
  ruleIds: readonly string[];
  /** The operation has a paginator: text output then ends with the resume token, as the CLI prints it per page. */
  paginated: boolean;
}>;

export type Refusal = Readonly<{ code: string; reason: string; awsStyle: boolean }>;

export const describeRefusal = (cmd: AwsCommand, decision: Decision): Refusal => {
  const forbidden = cmd.forbidden[0];
  if (forbidden !== undefined) {
    const what = forbidden.resolved !== undefined && forbidden.resolved !== forbidden.arg ? `${forbidden.arg} (${forbidden.resolved})` : forbidden.arg;
    return { code: forbidden.code, reason: `${what}: ${forbidden.reason}`, awsStyle: forbidden.code !== 'LOCAL_ONLY_COMMAND' };
  }
  const reason = decision.reasons.join('; ') || 'not allowed by policy';
  if (decision.code !== undefined) return { code: decision.code, reason, awsStyle: true };
  if (decision.effect === 'approve') return { code: 'APPROVAL_REQUIRED', reason: `approval required: ${reason}`, awsStyle: true };
  return { code: 'POLICY_DENIED', reason, awsStyle: true };
};
