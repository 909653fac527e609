// Runs the real CLI for one accepted command: the request's sandbox, environment and isolation, output masked
// (masking/), streamed to the agent with backpressure and digested for the audit, cancel stopping the process group.
// Also the quiet dry run local-files.ts asks for, in the same sandbox, its report kept from the agent.
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AwsCommand } from '@aws-guard/shared/command/aws-command';
import type { CommandRun } from '@aws-guard/shared/protocol/messages';
import type { AgentChannel } from '../server/agent-channel.js';
import type { Sandbox } from '../exec/create-sandbox.js';
import { sandboxEnv, type AwsCredentials } from '../exec/sandbox-env.js';
import { runAwsCli, type ExecOutcome, type ExecRequest } from '../exec/run-aws-cli.js';
import { sandboxIsolation, type SandboxView } from '../exec/isolation.js';
import { maskStreams } from '../masking/mask-streams.js';
import type { RunCommandDeps } from './run-command.js';
import type { DocumentRun } from './document-output.js';
import type { CommandRecording } from '../recording/session-recorder.js';

/** `masked`: values masked in stdout and stderr, by kind (docs/masking.md). */
export type Executed = {
  exec: ExecOutcome;
  /** The arguments the CLI really ran with (after file rewrites and the document path's forced output). */
  argv: readonly string[];
  digests: { stdoutSha256: string; stderrSha256: string };
  cancel: string | undefined;
  masked: Record<string, number>;
  /** Output paths a policy reveal showed the agent in clear (masked in the record), for a document output. */
  revealed?: readonly string[];
};

export type ExecContext = Readonly<{
  deps: RunCommandDeps;
  channel: AgentChannel;
  sandbox: Sandbox;
  credentials: AwsCredentials;
  run: CommandRun;
  timeoutMs: number;
  /** Under bubblewrap, when the agent's paths can be shown: its cwd and the binds (files/agent-view.ts). */
  view: SandboxView | null;
  /** The session recording: it gets what the record may hold (masked output, never a revealed value). */
  recording?: CommandRecording | undefined;
  /** A policy reveals this (streamed) command's whole output to the agent: it gets the CLI's bytes unmasked. */
  revealStream?: boolean;
  /** The policy's own patterns for this streamed command, masked line by line after the detectors. */
  streamPatterns?: readonly Readonly<{ ruleId: string; source: string }>[];
  /** The whole stdout is a secret (a login password): every word of it is masked, whatever its shape. */
  stdoutSecret?: boolean;
  /** Audits `command.started` once the CLI runs; a start that cannot be audited stops it (executeCli). */
  onStarted?: (pid: number | undefined) => Promise<unknown>;
}>;

const request = (ctx: ExecContext, argv: readonly string[], readsStdin: boolean): ExecRequest => ({
  cliPath: ctx.deps.cli.path,
  args: ctx.deps.endpointUrl === undefined ? argv : ['--endpoint-url', ctx.deps.endpointUrl, ...argv],
  env: sandboxEnv({ paths: ctx.sandbox, credentials: ctx.credentials, forwarded: ctx.run.env, columns: ctx.run.terminal.columns }),
  cwd: ctx.sandbox.work,
  readsStdin,
  timeoutMs: ctx.timeoutMs,
  maxOutputBytes: ctx.deps.exec.maxOutputBytes,
  killGraceMs: ctx.deps.exec.killGraceMs,
  isolation: sandboxIsolation(ctx.deps.isolation, ctx.sandbox, ctx.view),
});

/** The dry run's report (stdout, bounded) for deciding which files an upload tree needs. */
export const dryRunCli = async (ctx: ExecContext, argv: readonly string[]): Promise<{ exitCode: number; stdout: string }> => {
  const chunks: Buffer[] = [];
  // A report beyond this is not worth parsing: every listed file is sent instead.
  const running = (ctx.deps.runCli ?? runAwsCli)({ ...request(ctx, argv, false), maxOutputBytes: Math.min(ctx.deps.exec.maxOutputBytes, 256 * 1024 * 1024) }, (stream, chunk) => {
    if (stream === 'stdout') chunks.push(chunk);
  });
  const stop = () => running.stop('cancelled');
  ctx.channel.cancelled.addEventListener('abort', stop, { once: true });
  const outcome = await running.done;
  ctx.channel.cancelled.removeEventListener('abort', stop);
  return { exitCode: outcome.reason === 'exited' ? outcome.exitCode : -1, stdout: Buffer.concat(chunks).toString('utf8') };
};

/** Sends a rendered document in window-sized slices, waiting for the agent as streamed output does. */
const writeAll = async (write: (chunk: Buffer) => void | Promise<void>, bytes: Buffer): Promise<void> => {
  for (let at = 0; at < bytes.length; at += 64 * 1024) await write(bytes.subarray(at, at + 64 * 1024));
};

export const executeCli = async (ctx: ExecContext, cmd: AwsCommand, argv: readonly string[], requestId: string, doc: DocumentRun | null = null): Promise<Executed> => {
  const { channel, deps } = ctx;
  const hashes = { stdout: createHash('sha256'), stderr: createHash('sha256') };
  // Secrets are masked before anything else sees the output: the digests are of what the agent received.
  // Revealed: the masked copy still makes the digests, counts and recording; the agent gets the CLI's own bytes.
  const revealed = doc === null && ctx.revealStream === true;
  const output = maskStreams((stream, chunk) => {
    hashes[stream].update(chunk);
    ctx.recording?.output(stream, chunk);
    return revealed ? undefined : channel.write(stream, chunk);
  }, {
    patterns: (ctx.streamPatterns ?? []).map((p) => ({ name: p.ruleId, regex: new RegExp(p.source, 'g') })),
    stdoutPatterns: ctx.stdoutSecret === true ? [{ name: 'LoginPassword', regex: /\S+/g }] : [],
  });
  // A document is held whole (within exec.maxOutputBytes) until it can be parsed and masked: nothing streams.
  const held: Buffer[] = [];
  const sink = revealed
    ? async (stream: 'stdout' | 'stderr', chunk: Buffer) => {
        await Promise.all([output.sink(stream, chunk), channel.write(stream, chunk)]);
      }
    : doc === null || doc.kind === 'refuse'
      ? output.sink
      : (stream: 'stdout' | 'stderr', chunk: Buffer) => (stream === 'stdout' ? void held.push(chunk) : output.sink(stream, chunk));
  const ran = doc?.kind === 'render' || doc?.kind === 'withhold' ? doc.argv : argv;
  const running = (ctx.deps.runCli ?? runAwsCli)(request(ctx, ran, cmd.readsStdin), sink);
  let cancel: string | undefined;
  const onCancel = () => {
    cancel = String(channel.cancelled.reason ?? 'disconnect');
    running.stop('cancelled');
  };
  if (channel.cancelled.aborted) onCancel();
  else channel.cancelled.addEventListener('abort', onCancel, { once: true });
  // Not awaited before the CLI starts (the credentials record already was); a start the audit cannot take stops
  // the CLI and fails the command once it ended.
  // The pid is known at once for a spawned CLI, a moment later for a warm fork (the worker reports it).
  let startFailure: unknown;
  const startRecorded = running.started.then(async (pid) => {
    deps.log.info({ requestId, agent: channel.identity.agent, service: cmd.service, operation: cmd.operation, pid, ...(doc === null ? {} : { output: doc.kind }) }, 'command started');
    if (pid === undefined || ctx.onStarted === undefined) return;
    await ctx.onStarted(pid).then(() => undefined, (e: unknown) => {
      startFailure = e;
      running.stop('cancelled');
    });
  });
  if (running.stdin !== null) channel.pipeStdinTo(running.stdin);
  channel.accept(requestId, running.stdin !== null);
  let exec = await running.done;
  let document: { masked: Readonly<Record<string, number>>; revealed: readonly string[] } | undefined;
  // Only a CLI that exited whole printed a whole document; anything cut short is withheld, never sent half-masked.
  // A CLI that failed before printing (an API error, its own argument check) printed no document: nothing to render.
  const printed = held.some((chunk) => chunk.length > 0);
  if (doc?.kind === 'render' && exec.reason === 'exited' && (printed || exec.exitCode === 0)) {
    const result = doc.finish(Buffer.concat(held));
    document = { masked: result.masked, revealed: result.revealed };
    if (result.revealed.length === 0) await writeAll((chunk) => output.sink('stdout', chunk), result.agent);
    else {
      // A revealed value reaches the agent as it is (no pattern pass); the digest is of the record's copy.
      hashes.stdout.update(result.record);
      ctx.recording?.output('stdout', result.record);
      await writeAll((chunk) => channel.write('stdout', chunk), result.agent);
    }
    if (result.stderr !== '') await output.sink('stderr', Buffer.from(result.stderr, 'utf8'));
    if (result.exitCode !== undefined && exec.exitCode === 0) exec = { ...exec, exitCode: result.exitCode };
  }
  // Withheld output of a CLI that succeeded: the agent learns why it got none, and the exit code says it failed.
  if (doc?.kind === 'withhold' && doc.unmasked !== undefined && exec.reason === 'exited' && exec.exitCode === 0 && printed) {
    await output.sink('stderr', Buffer.from(doc.unmasked.stderr, 'utf8'));
    exec = { ...exec, exitCode: doc.unmasked.exitCode };
  }
  // After a stop the agent may have stopped reading: the last held line must not hold the outcome hostage either.
  const flushed = output.end();
  await (exec.reason === 'exited' || exec.reason === 'killed' ? flushed : Promise.race([flushed, sleep(deps.exec.killGraceMs, undefined, { ref: false })]));
  channel.cancelled.removeEventListener('abort', onCancel);
  await startRecorded;
  if (startFailure !== undefined) throw startFailure;
  deps.log.info({ requestId, exitCode: exec.exitCode, reason: exec.reason, durationMs: exec.durationMs }, 'command finished');
  const streamed = output.counts();
  const masked = { ...streamed };
  for (const [what, n] of Object.entries(document?.masked ?? {})) masked[what] = (masked[what] ?? 0) + n;
  deps.metrics?.masked(streamed, 'stream');
  if (document !== undefined) deps.metrics?.masked(document.masked, 'document');
  return {
    exec,
    argv: ran,
    digests: { stdoutSha256: hashes.stdout.digest('hex'), stderrSha256: hashes.stderr.digest('hex') },
    cancel,
    masked,
    ...(document === undefined ? (revealed ? { revealed: ['@'] } : {}) : { revealed: document.revealed }),
  };
};
