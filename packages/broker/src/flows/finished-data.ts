// What the audit's terminal record of a run command carries (`command.executed` / `command.cancelled`): the
// outcome, what ran, what was masked, who approved, the files and the non-secret side of the credentials.
import type { AwsCommand } from '@aws-guard/shared/command/aws-command';
import type { JsonObject } from '@aws-guard/shared/audit/audit-record';
import type { ExecOutcome } from '../exec/run-aws-cli.js';
import type { Decision } from './refusal.js';
import type { Executed } from './execute-cli.js';

/** The parsed command's summary in `command.requested`. */
export const commandSummary = (cmd: AwsCommand): JsonObject => ({
  service: cmd.service,
  operation: cmd.operation,
  apiOperation: cmd.apiOperation,
  iamActions: [...cmd.iamActions],
  region: cmd.region,
  risk: cmd.risk,
});

const outcomeData = (exec: ExecOutcome): JsonObject => ({
  exitCode: exec.exitCode,
  reason: exec.reason,
  signal: exec.signal ?? null,
  durationMs: exec.durationMs,
  stdoutBytes: exec.stdoutBytes,
  stderrBytes: exec.stderrBytes,
});

const sameArgv = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

/** The policy masking entries that applied, for the audit. */
const maskRulesOf = (decision: Decision): JsonObject => {
  const ids = decision.masking?.ruleIds ?? [...new Set([...(decision.streamReveal ?? []), ...(decision.streamRules ?? [])])];
  return ids.length === 0 ? {} : { maskRules: [...ids] };
};

export type FinishedFacts = Readonly<{
  outcome: Executed;
  /** The argv the agent sent: `ranArgv` is recorded only when what ran differs. */
  agentArgv: readonly string[];
  decision: Decision;
  approval: Readonly<{ approvalId: string; approvers: readonly string[] }> | undefined;
  files: JsonObject;
  credentials: JsonObject;
  /** Set when the agent cancelled while the files came back: the stage and who cancelled. */
  cancelledWhileReturning: string | null;
}>;

export const finishedData = (f: FinishedFacts): JsonObject => ({
  ...(f.cancelledWhileReturning === null ? {} : { stage: 'files', cancelledBy: f.cancelledWhileReturning }),
  ...outcomeData(f.outcome.exec),
  ...f.outcome.digests,
  ...(sameArgv(f.outcome.argv, f.agentArgv) ? {} : { ranArgv: [...f.outcome.argv] }),
  masked: { ...f.outcome.masked },
  ...(f.outcome.revealed === undefined ? {} : { revealed: [...f.outcome.revealed] }),
  ...maskRulesOf(f.decision),
  rule: f.decision.rule,
  policyHash: f.decision.policyHash ?? null,
  ...(f.approval === undefined ? {} : { approvalId: f.approval.approvalId, approvers: [...f.approval.approvers] }),
  ...(f.outcome.cancel === undefined ? {} : { cancelledBy: f.outcome.cancel }),
  files: f.files,
  // Non-secret only: role ARN, session name and access key id join this record to CloudTrail.
  credentials: f.credentials,
});
