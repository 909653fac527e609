// The data path of one command (DESIGN §3), top to bottom: parse → audit `command.requested` (durable
// before anything runs) → refuse or decide → credentials → sandbox → run the real CLI → audit the outcome.
import { createHash, randomBytes } from 'node:crypto';
import type { AwsCommand } from '@aws-guard/shared/command/aws-command';
import type { CommandRun } from '@aws-guard/shared/protocol/messages';
import type { Logger } from '../log/create-logger.js';
import type { AgentChannel } from '../server/agent-channel.js';
import type { Identity } from '../auth/identity.js';
import type { AwsCliInfo } from '../exec/resolve-aws-cli.js';
import type { CredentialSource } from '../credentials/credential-source.js';
import { createSandbox } from '../exec/create-sandbox.js';
import { sandboxEnv } from '../exec/sandbox-env.js';
import { runAwsCli, type ExecOutcome } from '../exec/run-aws-cli.js';
import { sandboxIsolation, type IsolationPlan } from '../exec/isolation.js';
import { formatAccessDenied } from '../command/aws-style-error.js';
import { describeRefusal, type Decision } from './refusal.js';
import { sandboxOutfiles } from './check-local-files.js';
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import type { AuditSink } from './audit-sink.js';
import type { ApprovalStore } from '../approval/approval-store.js';
import type { ApprovalRequest } from '@aws-guard/shared/approval/approval-request';
import { holdForApproval } from './hold-for-approval.js';
import type { AuditEventType, JsonObject } from '@aws-guard/shared/audit/audit-record';

export type AnalyzeOutcome =
  | { ok: true; value: AwsCommand }
  | { ok: false; issue: { code: string; message: string; exitCode: number } };

export type RunCommandDeps = Readonly<{
  cli: AwsCliInfo;
  /** The operator's trusted endpoint override (emulator); never from the agent. */
  endpointUrl: string | undefined;
  defaultRegion: string | undefined;
  exec: Readonly<{ timeoutMs: number; maxOutputBytes: number; killGraceMs: number }>;
  /** Chosen at start (exec/select-isolation.ts); bwrap confines the CLI to its sandbox and system dirs. */
  isolation: IsolationPlan;
  analyze: (argv: readonly string[], env: CommandRun['env']) => AnalyzeOutcome;
  decide: (cmd: AwsCommand, identity: Identity) => Decision;
  audit: AuditSink;
  credentials: CredentialSource;
  /** Where `approve` decisions wait; without one they are refused. */
  approvals: ApprovalStore | undefined;
  /** Announces new approval requests (webhook), when configured. */
  notifyApprovers?: (request: ApprovalRequest) => void;
  /** In Redis mode every command needs the shared store (DESIGN §5: fail closed); undefined = no such gate. */
  sharedStoreHealth?: () => Promise<{ ok: true } | { ok: false; reason: string }>;
  log: Logger;
  newRequestId?: () => string;
}>;

const defaultRequestId = () => `req_${randomBytes(10).toString('hex')}`;

const summary = (cmd: AwsCommand): JsonObject => ({
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

export const runCommand = async (deps: RunCommandDeps, channel: AgentChannel, run: CommandRun): Promise<void> => {
  const requestId = (deps.newRequestId ?? defaultRequestId)();
  const { identity } = channel;
  const actor = { kind: 'agent' as const, agent: identity.agent, human: identity.human, role: identity.role };
  const record = (type: AuditEventType, data: JsonObject, code?: string) =>
    deps.audit.append({ type, requestId, sessionId: identity.sessionId, actor, data, ...(code === undefined ? {} : { code }) });

  const analysis = deps.analyze(run.argv, run.env);
  try {
    await record('command.requested', { argv: [...run.argv], tokenId: identity.tokenId, ...(analysis.ok ? summary(analysis.value) : { parseError: analysis.issue.code }) });
  } catch (e) {
    deps.log.error({ requestId, err: (e as Error).message }, 'audit append failed: command refused');
    return channel.error('AUDIT_UNAVAILABLE', 'the broker cannot write its audit log, so it runs nothing: tell the operator', requestId);
  }

  const refuse = async (stderr: string, exitCode: number, code: string, data: JsonObject) => {
    await record('command.refused', { ...data, exitCode }, code);
    await channel.write('stderr', Buffer.from(stderr));
    channel.exit(requestId, exitCode, 'refused');
  };

  const shared = await deps.sharedStoreHealth?.();
  if (shared !== undefined && !shared.ok) {
    await record('command.failed', { stage: 'store', reason: shared.reason }, 'STORE_UNAVAILABLE');
    return channel.error('STORE_UNAVAILABLE', `the broker's shared store (Redis) is unavailable, so it runs nothing: ${shared.reason}`, requestId);
  }

  if (!analysis.ok) return refuse(analysis.issue.message, analysis.issue.exitCode, analysis.issue.code, { reason: 'unparseable' });
  const cmd = analysis.value;
  if (cmd.globals['version'] === true) {
    await record('command.executed', { exitCode: 0, local: 'version' });
    await channel.write('stdout', Buffer.from(deps.cli.versionText));
    return channel.exit(requestId, 0, 'exited');
  }

  const decision = deps.decide(cmd, identity);
  let approval: { approvalId: string; approvers: readonly string[] } | undefined;
  if (decision.effect === 'approve' && deps.approvals !== undefined) {
    const held = await holdForApproval({ store: deps.approvals, region: cmd.region ?? deps.defaultRegion ?? null, record, ...(deps.notifyApprovers === undefined ? {} : { notify: deps.notifyApprovers }) }, channel, cmd, decision, requestId);
    if (held.kind === 'unavailable') {
      await record('command.failed', { stage: 'approval', reason: held.message }, 'STORE_UNAVAILABLE');
      return channel.error('STORE_UNAVAILABLE', held.message, requestId);
    }
    if (held.kind === 'abandoned') {
      await record('command.cancelled', { stage: 'approval', approvalId: held.approvalId, cancelledBy: String(channel.cancelled.reason ?? 'disconnect') });
      return;
    }
    if (held.kind === 'refused') {
      const out = formatAccessDenied({ cmd, reason: held.reason, rule: decision.rule, requestId, cliMajor: deps.cli.major });
      return refuse(out.stderr, out.exitCode, held.code, { ...held.data, rule: decision.rule, reason: held.reason, policyHash: decision.policyHash ?? null });
    }
    approval = { approvalId: held.approvalId, approvers: held.approvers };
  } else if (decision.effect !== 'allow') {
    const refusal = describeRefusal(cmd, decision);
    const out = refusal.awsStyle
      ? formatAccessDenied({ cmd, reason: refusal.reason, rule: decision.rule, requestId, cliMajor: deps.cli.major })
      : { stderr: `aws-guard: ${refusal.reason} (request ${requestId})\n`, exitCode: deps.cli.major >= 2 ? 252 : 255 };
    return refuse(out.stderr, out.exitCode, refusal.code, { rule: decision.rule, reason: refusal.reason, policyHash: decision.policyHash ?? null });
  }

  // Credentials minted for this identity, alive for the command's whole time limit (credentials/).
  const creds = await deps.credentials.forCommand({
    requestId,
    identity: { agent: identity.agent, human: identity.human, sessionId: identity.sessionId },
    timeoutMs: deps.exec.timeoutMs,
  });
  if (!creds.ok) {
    // The message is secret-free by construction (credentials/sts-failure-message.ts).
    await record('command.failed', { stage: 'credentials', reason: creds.issue.message }, creds.issue.code);
    return channel.error(creds.issue.code, creds.issue.message, requestId);
  }
  const sandbox = await createSandbox(deps.defaultRegion);
  try {
    const outcome = await execute(deps, channel, cmd, sandbox, creds.value.credentials, run, requestId);
    if (outcome.exec.reason === 'spawn-failed') {
      await record('command.failed', { stage: 'spawn', error: outcome.exec.error ?? null }, 'EXEC_SPAWN_FAILED');
      return channel.error('EXEC_SPAWN_FAILED', 'the broker could not start the AWS CLI: tell the operator', requestId);
    }
    const type = outcome.exec.reason === 'cancelled' ? 'command.cancelled' : 'command.executed';
    await record(type, { ...outcomeData(outcome.exec), ...outcome.digests, rule: decision.rule, policyHash: decision.policyHash ?? null, ...(approval === undefined ? {} : { approvalId: approval.approvalId, approvers: [...approval.approvers] }), ...(outcome.cancel === undefined ? {} : { cancelledBy: outcome.cancel }),
      // Non-secret only: role ARN, session name and access key id join this record to CloudTrail.
      credentials: { ...creds.value.audit } }, outcome.exec.reason === 'exited' ? undefined : outcome.exec.reason.toUpperCase().replace('-', '_'));
    for (const path of sandboxOutfiles(cmd))
      if (await access(join(sandbox.home, path)).then(() => true, () => false))
        await channel.write('stderr', Buffer.from(`aws-guard: ${path} was written on the broker and discarded: returning files to the agent is not supported yet (request ${requestId})\n`));
    if (outcome.exec.reason === 'timeout' || outcome.exec.reason === 'output-limit') {
      const why = outcome.exec.reason === 'timeout' ? `ran longer than the broker's limit of ${Math.round(deps.exec.timeoutMs / 1000)}s` : `printed more than the broker's limit of ${deps.exec.maxOutputBytes} bytes`;
      await channel.write('stderr', Buffer.from(`\naws-guard: the command was stopped: it ${why} (request ${requestId})\n`));
    }
    channel.exit(requestId, outcome.exec.exitCode, outcome.exec.reason as Exclude<ExecOutcome['reason'], 'spawn-failed'>);
  } finally {
    await sandbox.remove();
  }
};

type Executed = { exec: ExecOutcome; digests: { stdoutSha256: string; stderrSha256: string }; cancel: string | undefined };

const execute = async (
  deps: RunCommandDeps,
  channel: AgentChannel,
  cmd: AwsCommand,
  sandbox: Awaited<ReturnType<typeof createSandbox>>,
  credentials: Parameters<typeof sandboxEnv>[0]['credentials'],
  run: CommandRun,
  requestId: string,
): Promise<Executed> => {
  const hashes = { stdout: createHash('sha256'), stderr: createHash('sha256') };
  const args = deps.endpointUrl === undefined ? cmd.argv : ['--endpoint-url', deps.endpointUrl, ...cmd.argv];
  const running = runAwsCli(
    {
      cliPath: deps.cli.path,
      args,
      env: sandboxEnv({ paths: sandbox, credentials, forwarded: run.env, columns: run.terminal.columns }),
      cwd: sandbox.home,
      readsStdin: cmd.readsStdin,
      ...deps.exec,
      isolation: sandboxIsolation(deps.isolation, sandbox),
    },
    (stream, chunk) => {
      hashes[stream].update(chunk);
      return channel.write(stream, chunk);
    },
  );
  let cancel: string | undefined;
  const onCancel = () => {
    cancel = String(channel.cancelled.reason ?? 'disconnect');
    running.stop('cancelled');
  };
  if (channel.cancelled.aborted) onCancel();
  else channel.cancelled.addEventListener('abort', onCancel, { once: true });
  if (running.stdin !== null) channel.pipeStdinTo(running.stdin);
  channel.accept(requestId, running.stdin !== null);
  deps.log.info({ requestId, agent: channel.identity.agent, service: cmd.service, operation: cmd.operation, pid: running.pid }, 'command started');
  const exec = await running.done;
  channel.cancelled.removeEventListener('abort', onCancel);
  deps.log.info({ requestId, exitCode: exec.exitCode, reason: exec.reason, durationMs: exec.durationMs }, 'command finished');
  return { exec, digests: { stdoutSha256: hashes.stdout.digest('hex'), stderrSha256: hashes.stderr.digest('hex') }, cancel };
};
