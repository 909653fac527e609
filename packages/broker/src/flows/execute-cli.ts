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

/** `masked`: values masked in stdout and stderr, by kind (docs/masking.md). */
export type Executed = { exec: ExecOutcome; digests: { stdoutSha256: string; stderrSha256: string }; cancel: string | undefined; masked: Record<string, number> };

export type ExecContext = Readonly<{
  deps: RunCommandDeps;
  channel: AgentChannel;
  sandbox: Sandbox;
  credentials: AwsCredentials;
  run: CommandRun;
  timeoutMs: number;
  /** Under bubblewrap, when the agent's paths can be shown: its cwd and the binds (files/agent-view.ts). */
  view: SandboxView | null;
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
  const running = runAwsCli({ ...request(ctx, argv, false), maxOutputBytes: Math.min(ctx.deps.exec.maxOutputBytes, 256 * 1024 * 1024) }, (stream, chunk) => {
    if (stream === 'stdout') chunks.push(chunk);
  });
  const stop = () => running.stop('cancelled');
  ctx.channel.cancelled.addEventListener('abort', stop, { once: true });
  const outcome = await running.done;
  ctx.channel.cancelled.removeEventListener('abort', stop);
  return { exitCode: outcome.reason === 'exited' ? outcome.exitCode : -1, stdout: Buffer.concat(chunks).toString('utf8') };
};

export const executeCli = async (ctx: ExecContext, cmd: AwsCommand, argv: readonly string[], requestId: string): Promise<Executed> => {
  const { channel, deps } = ctx;
  const hashes = { stdout: createHash('sha256'), stderr: createHash('sha256') };
  // Secrets are masked before anything else sees the output: the digests are of what the agent received.
  const output = maskStreams((stream, chunk) => {
    hashes[stream].update(chunk);
    return channel.write(stream, chunk);
  });
  const running = runAwsCli(request(ctx, argv, cmd.readsStdin), output.sink);
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
  // After a stop the agent may have stopped reading: the last held line must not hold the outcome hostage either.
  const flushed = output.end();
  await (exec.reason === 'exited' || exec.reason === 'killed' ? flushed : Promise.race([flushed, sleep(deps.exec.killGraceMs, undefined, { ref: false })]));
  channel.cancelled.removeEventListener('abort', onCancel);
  deps.log.info({ requestId, exitCode: exec.exitCode, reason: exec.reason, durationMs: exec.durationMs }, 'command finished');
  return { exec, digests: { stdoutSha256: hashes.stdout.digest('hex'), stderrSha256: hashes.stderr.digest('hex') }, cancel, masked: output.counts() };
};
