// A command the policy holds for a human: create (or join, or reuse) the approval request, tell the agent,
// wait for the decision, and take the single use. Every step is audited; a store failure fails closed.
import type { AwsCommand } from '@aws-guard/shared/command/aws-command';
import type { ApprovalFile, ApprovalRequest } from '@aws-guard/shared/approval/approval-request';
import { parseDuration } from '@aws-guard/shared/duration';
import type { JsonObject } from '@aws-guard/shared/audit/audit-record';
import type { ApprovalStore } from '../approval/approval-store.js';
import type { AgentChannel } from '../server/agent-channel.js';
import { awaitApproval } from './await-approval.js';
import { commandHash } from './command-hash.js';
import type { Decision } from './refusal.js';

export type Held =
  | Readonly<{ kind: 'approved'; approvalId: string; approvers: readonly string[] }>
  | Readonly<{ kind: 'refused'; code: string; reason: string; data: JsonObject }>
  | Readonly<{ kind: 'unavailable'; message: string }>
  | Readonly<{ kind: 'abandoned'; approvalId: string }>
  /** Approved, but the connection's token expired meanwhile and no fresh one came: the approval stays unused. */
  | Readonly<{ kind: 'expired'; approvalId: string; message: string }>;

export type HoldDeps = Readonly<{
  store: ApprovalStore;
  region: string | null;
  /** Digests of the staged local files: a different byte is a different command. */
  fileDigests: readonly string[];
  /** What the approver sees of those files. */
  files: readonly ApprovalFile[];
  record: (type: 'approval.requested' | 'approval.consumed', data: JsonObject, code?: string) => Promise<unknown>;
  /** Tells approvers about a new request (the webhook); not awaited: the agent does not wait for Slack. */
  notify?: (request: ApprovalRequest) => void;
}>;

/** `Bucket=b`, `FunctionName=f`: what the parameters name, for the approver's eye. */
const targetsOf = (cmd: AwsCommand): string[] =>
  Object.entries(cmd.params)
    .filter(([name]) => /(^|-)(bucket|key|name|id|arn|identifier|function-name|role-name|user-name|policy-arn|table-name|queue-url|stack-name|secret-id)$/.test(name))
    .map(([name, value]) => `${name}=${Array.isArray(value) ? value.join(',') : String(value)}`)
    .slice(0, 10);

export const holdForApproval = async (deps: HoldDeps, channel: AgentChannel, cmd: AwsCommand, decision: Decision, requestId: string): Promise<Held> => {
  const { identity } = channel;
  const validity = decision.approval?.expires === undefined ? undefined : parseDuration(decision.approval.expires);
  const asked = await deps.store.request({
    commandHash: commandHash(cmd, identity, deps.region, deps.fileDigests),
    requestId,
    requester: { agent: identity.agent, human: identity.human, sessionId: identity.sessionId },
    argv: [...cmd.argv],
    summary: { service: cmd.service, operation: cmd.operation, apiOperation: cmd.apiOperation, iamActions: [...cmd.iamActions], risk: cmd.risk, region: cmd.region, targets: targetsOf(cmd) },
    rule: { id: decision.rule, ...(decision.reasons[0] === undefined ? {} : { message: decision.reasons[0] }), policyHash: decision.policyHash ?? '' },
    files: [...deps.files],
    requiredApprovers: decision.approval?.approvers ?? 1,
    ...(decision.approval?.group === undefined ? {} : { approverGroup: decision.approval.group }),
    ...(validity?.ok ? { validityMs: validity.value } : {}),
  });
  if (!asked.ok) return { kind: 'unavailable', message: `approvals are unavailable, so nothing that needs one runs: ${asked.issue.message}` };
  let request = asked.value.request;
  if (asked.value.outcome === 'created') {
    await deps.record('approval.requested', { approvalId: request.id, commandHash: request.commandHash, rule: decision.rule, requiredApprovers: request.requiredApprovers });
    deps.notify?.(request);
  }

  if (request.state === 'pending') {
    channel.approvalPending({
      type: 'approval.pending',
      requestId,
      approvalId: request.id,
      command: `${cmd.service} ${cmd.operation}`.trim(),
      reason: decision.reasons[0] ?? `rule ${decision.rule}`,
      requiredApprovers: request.requiredApprovers,
      expiresAt: request.expiresAt,
    });
    const wait = await awaitApproval(deps.store, request.id, new Date(request.expiresAt), channel.cancelled);
    if (wait.kind === 'abandoned') return { kind: 'abandoned', approvalId: request.id };
    if (wait.kind === 'unavailable') return { kind: 'unavailable', message: `approvals are unavailable: ${wait.reason}` };
    request = wait.request;
  }
  if (request.state === 'denied') {
    const by = request.denial === undefined ? 'an approver' : request.denial.approver;
    return { kind: 'refused', code: 'APPROVAL_DENIED', reason: `denied by ${by}: ${request.denial?.reason ?? 'no reason given'}`, data: { approvalId: request.id } };
  }
  if (request.state !== 'approved')
    return { kind: 'refused', code: `APPROVAL_${request.state.toUpperCase()}`, reason: `the approval request ${request.id} is ${request.state}`, data: { approvalId: request.id } };
  // Checked before consume: the approval stays usable, so re-running the identical command with a fresh token runs it.
  const validUntil = channel.validUntil?.() ?? channel.identity.expiresAt;
  if (validUntil.getTime() <= Date.now())
    return {
      kind: 'expired',
      approvalId: request.id,
      message: `approval ${request.id} was granted, but the token expired at ${validUntil.toISOString()} while waiting and no fresh one arrived (AWS_GUARD_TOKEN_FILE is re-read during the wait): re-run the identical command to use the approval`,
    };
  const used = await deps.store.consume(request.id);
  if (!used.ok) return { kind: 'refused', code: used.issue.code, reason: `the approval ${request.id} cannot be used: ${used.issue.message}`, data: { approvalId: request.id } };
  const approvers = used.value.approvals.map((v) => v.approver);
  await deps.record('approval.consumed', { approvalId: request.id, approvers: [...approvers] });
  return { kind: 'approved', approvalId: request.id, approvers };
};
