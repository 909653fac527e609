// What `command.decided` records (docs/audit-format.md): the policy's decision and what it rests on, written
// before anything the decision allows. Never a secret: a Decision holds rule ids, reasons and limits.
import type { AwsCommand } from '@aws-guard/shared/command/aws-command';
import type { JsonObject } from '@aws-guard/shared/audit/audit-record';
import { describeRefusal, type Decision } from './refusal.js';

export const decidedData = (cmd: AwsCommand, decision: Decision): JsonObject => ({
  decision: decision.effect,
  rule: decision.rule,
  policyHash: decision.policyHash ?? null,
  risk: cmd.risk,
  reason: decision.reasons.join('; ') || null,
  // The code the refusal will carry (POLICY_DENIED, LOCAL_ONLY_COMMAND, APPROVAL_REQUIRED…).
  ...(decision.effect === 'allow' ? {} : { code: describeRefusal(cmd, decision).code }),
  ...(decision.approval === undefined || decision.effect !== 'approve'
    ? {}
    : { approval: { approvers: decision.approval.approvers, group: decision.approval.group ?? null, expires: decision.approval.expires ?? null } }),
  timeoutMs: decision.timeoutMs ?? null,
  mappingId: decision.role?.mappingId ?? null,
});
