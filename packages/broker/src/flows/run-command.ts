// The data path of one command (DESIGN §3), top to bottom: parse → audit `command.requested` (durable before
// anything runs) → decide, audit `command.decided` → refuse, or stage the agent's local files → approval → a free
// execution slot → credentials, audit `credentials.issued` → run the real CLI in its sandbox (`command.started`)
// → return the files it wrote → audit the outcome.
import { randomBytes } from 'node:crypto';
import type { AwsCommand } from '@aws-guard/shared/command/aws-command';
import type { CommandRun } from '@aws-guard/shared/protocol/messages';
import type { AuditEventType, JsonObject } from '@aws-guard/shared/audit/audit-record';
import type { ApprovalRequest } from '@aws-guard/shared/approval/approval-request';
import type { Logger } from '../log/create-logger.js';
import type { AgentChannel } from '../server/agent-channel.js';
import type { Identity } from '../auth/identity.js';
import type { AwsCliInfo } from '../exec/resolve-aws-cli.js';
import type { CredentialSource } from '../credentials/credential-source.js';
import type { ExecutionSlots } from '../exec/execution-slots.js';
import type { IsolationPlan } from '../exec/isolation.js';
import type { ExecOutcome, ExecRequest, OutputSink, RunningCli } from '../exec/run-aws-cli.js';
import type { FileLimits } from '../files/file-exchange.js';
import type { ApprovalStore } from '../approval/approval-store.js';
import { createSandbox } from '../exec/create-sandbox.js';
import { formatAccessDenied } from '../command/aws-style-error.js';
import { describeRefusal, type Decision } from './refusal.js';
import { decidedData } from './decided-data.js';
import type { AuditSink } from './audit-sink.js';
import { holdForApproval } from './hold-for-approval.js';
import { openLocalFiles } from './local-files.js';
import { agentView } from '../files/agent-view.js';
import { planDocumentRun, type DocumentRun } from './document-output.js';
import type { MaskStyle } from '../masking/mask-style.js';
import type { SessionRecorder } from '../recording/session-recorder.js';
import { TERMINAL_COMMAND_TYPES } from '@aws-guard/shared/audit/audit-record';
import { dryRunCli, executeCli, type ExecContext } from './execute-cli.js';
import { commandSummary, finishedData } from './finished-data.js';
import { approvalOutcomeOf, execOutcomeLabel, terminalOutcomeLabel, type ApprovalOutcome, type DecisionLabel, type MetricsRecorder, type RiskLabel } from '../metrics/metrics-recorder.js';

export type AnalyzeOutcome =
  | { ok: true; value: AwsCommand }
  | { ok: false; issue: { code: string; message: string; exitCode: number } };

export type RunCommandDeps = Readonly<{
  cli: AwsCliInfo;
  /** The operator's trusted endpoint override (emulator); never from the agent. */
  endpointUrl: string | undefined;
  defaultRegion: string | undefined;
  exec: Readonly<{ timeoutMs: number; maxOutputBytes: number; killGraceMs: number }>;
  /** Limits on the agent's local files per command. */
  files: FileLimits;
  /** One per broker: how many CLIs run at once; the rest queue, taking turns per agent. */
  slots: ExecutionSlots;
  /** Chosen at start (exec/select-isolation.ts); bwrap confines the CLI to its sandbox and system dirs. */
  isolation: IsolationPlan;
  /** How the CLI runs (exec/warm/select-executor.ts): a warm fork or a spawn, one contract; default spawn. */
  runCli?: (req: ExecRequest, sink: OutputSink) => RunningCli;
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
  /** How document masks are written (masking.style): lengths, or keyed hashes. */
  maskStyle: MaskStyle;
  /** Records each agent session as an asciicast (docs/sessions.md); masked output only. */
  recorder?: SessionRecorder;
  /** Counts and timings for /metrics (metrics/metrics-recorder.ts); bounded labels only. */
  metrics?: MetricsRecorder;
  newRequestId?: () => string;
}>;

const defaultRequestId = () => `req_${randomBytes(10).toString('hex')}`;

export const runCommand = async (deps: RunCommandDeps, channel: AgentChannel, run: CommandRun): Promise<void> => {
  const requestId = (deps.newRequestId ?? defaultRequestId)();
  const { identity } = channel;
  const actor = { kind: 'agent' as const, agent: identity.agent, human: identity.human, role: identity.role };
  const recording = deps.recorder?.command({ sessionId: identity.sessionId, agent: identity.agent, human: identity.human, requestId, argv: run.argv, columns: run.terminal.columns });
  // What the metrics say of this command once it ends: filled in as the command is parsed and decided.
  const judged: { decision: DecisionLabel; risk: RiskLabel } = { decision: 'none', risk: 'unknown' };
  // The record that ends a command carries the digest of the session's recording up to and including it.
  const record = async (type: AuditEventType, data: JsonObject, code?: string) => {
    let recorded: JsonObject = {};
    const terminal = (TERMINAL_COMMAND_TYPES as readonly string[]).includes(type);
    if (terminal) deps.metrics?.commandEnded({ ...judged, outcome: terminalOutcomeLabel(type, data) });
    if (recording !== undefined && terminal) {
      const ended = await recording.end(typeof data['exitCode'] === 'number' ? data['exitCode'] : null, type);
      recorded = { recording: ended.ok ? { sha256: ended.value } : { failed: ended.issue.code } };
    }
    return deps.audit.append({ type, requestId, sessionId: identity.sessionId, actor, data: { ...data, ...recorded }, ...(code === undefined ? {} : { code }) });
  };
  const guardExit = deps.cli.major >= 2 ? 252 : 255;

  const auditUnavailable = (e: unknown) => {
    deps.metrics?.commandEnded({ ...judged, outcome: 'failed' });
    deps.log.error({ requestId, err: (e as Error).message }, 'audit append failed: command refused');
    channel.error('AUDIT_UNAVAILABLE', 'the broker cannot write its audit log, so it runs nothing: tell the operator', requestId);
  };
  const analysis = deps.analyze(run.argv, run.env);
  if (analysis.ok) judged.risk = analysis.value.risk;
  try {
    await record('command.requested', { argv: [...run.argv], tokenId: identity.tokenId, ...(analysis.ok ? commandSummary(analysis.value) : { parseError: analysis.issue.code }) });
  } catch (e) {
    return auditUnavailable(e);
  }

  const refuse = async (stderr: string, exitCode: number, code: string, data: JsonObject) => {
    recording?.output('stderr', Buffer.from(stderr));
    await record('command.refused', { ...data, exitCode }, code);
    await channel.write('stderr', Buffer.from(stderr));
    channel.exit(requestId, exitCode, 'refused');
  };
  // The shim waits for this exit to confirm its cancel; a gone agent simply never reads it.
  const cancelled = async (stage: string, extra: JsonObject = {}) => {
    await record('command.cancelled', { stage, ...extra, cancelledBy: String(channel.cancelled.reason ?? 'disconnect') });
    channel.exit(requestId, 130, 'cancelled');
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
  judged.decision = decision.effect;
  const policyData = { rule: decision.rule, policyHash: decision.policyHash ?? null };
  // Durable before anything the decision allows (files, approval, credentials, the CLI).
  try {
    await record('command.decided', decidedData(cmd, decision));
  } catch (e) {
    return auditUnavailable(e);
  }
  if (decision.effect === 'deny' || (decision.effect === 'approve' && deps.approvals === undefined)) {
    const refusal = describeRefusal(cmd, decision);
    const out = refusal.awsStyle
      ? formatAccessDenied({ cmd, reason: refusal.reason, rule: decision.rule, requestId, cliMajor: deps.cli.major })
      : { stderr: `aws-guard: ${refusal.reason} (request ${requestId})\n`, exitCode: guardExit };
    return refuse(out.stderr, out.exitCode, refusal.code, { ...policyData, reason: refusal.reason });
  }

  const sandbox = await createSandbox(deps.defaultRegion);
  let files: Awaited<ReturnType<typeof openLocalFiles>> | undefined;
  try {
    // The agent's files come first: an approval covers their contents, not just the command line.
    const view = agentView(deps.isolation, sandbox, run.cwd);
    const reparse = (argv: readonly string[]) => {
      const again = deps.analyze(argv, run.env);
      return again.ok ? again.value : null;
    };
    files = await openLocalFiles({ channel, sandbox, limits: deps.files, requestId, reparse, view }, cmd);
    if (!files.ok) {
      if (files.issue.code === 'FILE_CANCELLED') return cancelled('files');
      return refuse(`aws-guard: ${files.issue.message} (request ${requestId})\n`, guardExit, files.issue.code, { ...policyData, reason: files.issue.message });
    }
    const local = files.value;
    // Output with secrets is masked as a document; a --query the CLI would refuse is refused here, before anything runs.
    const doc: DocumentRun | null =
      decision.masking === undefined
        ? null
        : planDocumentRun({ cmd, argv: local.argv, env: run.env, cliMajor: deps.cli.major, columns: run.terminal.columns, masking: decision.masking, style: deps.maskStyle, reparse });
    if (doc?.kind === 'refuse') return refuse(doc.stderr, doc.exitCode, doc.code, { ...policyData, reason: doc.stderr.trim() });

    let approval: { approvalId: string; approvers: readonly string[] } | undefined;
    if (decision.effect === 'approve' && deps.approvals !== undefined) {
      recording?.marker(`approval: waiting for a human decision (${decision.rule})`);
      const holdDeps = { store: deps.approvals, region: cmd.region ?? deps.defaultRegion ?? null, record, fileDigests: local.digests, files: await local.approvalFiles(), ...(deps.notifyApprovers === undefined ? {} : { notify: deps.notifyApprovers }) };
      const waited = deps.metrics?.approvalHeld();
      const held = await holdForApproval(holdDeps, channel, cmd, decision, requestId).catch((e: unknown) => {
        waited?.('unavailable');
        throw e;
      });
      waited?.(held.kind === 'refused' ? approvalOutcomeOf(held.code) : (held.kind as ApprovalOutcome));
      if (held.kind === 'unavailable') {
        await record('command.failed', { stage: 'approval', reason: held.message }, 'STORE_UNAVAILABLE');
        return channel.error('STORE_UNAVAILABLE', held.message, requestId);
      }
      if (held.kind === 'abandoned') return cancelled('approval', { approvalId: held.approvalId });
      if (held.kind === 'expired') return refuse(`aws-guard: ${held.message} (request ${requestId})\n`, guardExit, 'AUTH_TOKEN_EXPIRED', { ...policyData, approvalId: held.approvalId, reason: held.message });
      if (held.kind === 'refused') {
        const out = formatAccessDenied({ cmd, reason: held.reason, rule: decision.rule, requestId, cliMajor: deps.cli.major });
        return refuse(out.stderr, out.exitCode, held.code, { ...held.data, ...policyData, reason: held.reason });
      }
      approval = { approvalId: held.approvalId, approvers: held.approvers };
      recording?.marker(`approval: approved by ${held.approvers.join(', ')}`);
    }

    // The slot comes before the credentials: a command that queued long must not start on credentials minted
    // for a time limit that began while it waited.
    const queuedAt = performance.now();
    const slot = await deps.slots.acquire({
      agent: identity.agent,
      signal: channel.cancelled,
      onQueued: ({ limit, ...q }) => {
        recording?.marker(`queued: ${q.running} of ${q.max} commands running${limit === 'agent' ? ' for this agent' : ''}`);
        // `limit` goes on the wire only when it is the agent's, so that shims from before it see the same message.
        channel.queued({ requestId, ...q, ...(limit === 'agent' ? { limit } : {}) });
      },
    });
    if (!slot.ok) return cancelled('queue');
    deps.metrics?.slotWaited((performance.now() - queuedAt) / 1000);
    // Credentials minted for this identity (and the policy's role for it), alive for the command's whole time limit.
    const timeoutMs = decision.timeoutMs ?? deps.exec.timeoutMs;
    const creds = await deps.credentials.forCommand({
      requestId,
      identity: { agent: identity.agent, human: identity.human, sessionId: identity.sessionId },
      timeoutMs,
      ...(decision.role === undefined ? {} : { role: decision.role }),
    });
    if (!creds.ok) {
      slot.release();
      // The message is secret-free by construction (credentials/sts-failure-message.ts).
      await record('command.failed', { stage: 'credentials', reason: creds.issue.message }, creds.issue.code);
      return channel.error(creds.issue.code, creds.issue.message, requestId);
    }
    // Before any CLI (the dry run included) holds them; the non-secret side only (CredentialAudit).
    try {
      await record('credentials.issued', { ...creds.value.audit });
    } catch (e) {
      slot.release();
      throw e;
    }

    const shown = view === null ? null : { cwd: view.cwd, mounts: local.mounts };
    const ctx: ExecContext = { deps, channel, sandbox, credentials: creds.value.credentials, run, timeoutMs, view: shown, recording, onStarted: (pid) => record('command.started', { pid: pid ?? null }), revealStream: decision.streamReveal !== undefined, ...(decision.streamPatterns === undefined ? {} : { streamPatterns: decision.streamPatterns }), stdoutSecret: decision.stdoutSecret === true };
    let outcome;
    let returned: { ok: true } | { ok: false; code: string; message: string } = { ok: true };
    try {
      const prepared = await local.prepare((argv) => dryRunCli(ctx, argv));
      if (!prepared.ok) {
        if (prepared.issue.code === 'FILE_CANCELLED') return cancelled('files');
        return refuse(`aws-guard: ${prepared.issue.message} (request ${requestId})\n`, guardExit, prepared.issue.code, { ...policyData, reason: prepared.issue.message, files: local.summary() });
      }
      outcome = await executeCli(ctx, cmd, local.argv, requestId, doc);
      if (outcome.exec.reason === 'exited') {
        const back = await local.finish();
        if (!back.ok) returned = { ok: false, code: back.issue.code, message: back.issue.message };
      }
    } finally {
      slot.release();
    }
    if (outcome.exec.reason !== 'spawn-failed') deps.metrics?.executed(execOutcomeLabel(outcome.exec.reason, outcome.exec.exitCode), outcome.exec.durationMs / 1000);
    if (outcome.exec.reason === 'spawn-failed') {
      await record('command.failed', { stage: 'spawn', error: outcome.exec.error ?? null }, 'EXEC_SPAWN_FAILED');
      return channel.error('EXEC_SPAWN_FAILED', 'the broker could not start the AWS CLI: tell the operator', requestId);
    }
    // The CLI finished but the agent cancelled while its files came back: cancelled, at the files stage.
    const returnCancelled = !returned.ok && returned.code === 'FILE_CANCELLED';
    const type = outcome.exec.reason === 'cancelled' || returnCancelled ? 'command.cancelled' : 'command.executed';
    const data = finishedData({
      outcome, agentArgv: run.argv, decision, approval, credentials: { ...creds.value.audit },
      files: { ...local.summary(), ...(returned.ok ? {} : { returnFailed: returned.code }) },
      cancelledWhileReturning: returnCancelled ? String(channel.cancelled.reason ?? 'disconnect') : null,
    });
    await record(type, data, outcome.exec.reason === 'exited' ? undefined : outcome.exec.reason.toUpperCase().replace('-', '_'));
    if (returnCancelled) return channel.exit(requestId, 130, 'cancelled');
    if (!returned.ok) return channel.error(returned.code, `${returned.message} (request ${requestId})`, requestId);
    if (outcome.exec.reason === 'timeout' || outcome.exec.reason === 'output-limit') {
      const why = outcome.exec.reason === 'timeout' ? `ran longer than the broker's limit of ${Math.round(timeoutMs / 1000)}s` : `printed more than the broker's limit of ${deps.exec.maxOutputBytes} bytes`;
      await channel.write('stderr', Buffer.from(`\naws-guard: the command was stopped: it ${why}; files it wrote were not returned (request ${requestId})\n`));
    }
    channel.exit(requestId, outcome.exec.exitCode, outcome.exec.reason as Exclude<ExecOutcome['reason'], 'spawn-failed'>);
  } finally {
    if (files?.ok === true) files.value.close();
    await sandbox.remove();
  }
};
