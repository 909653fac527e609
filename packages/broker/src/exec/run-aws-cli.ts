// Runs the real AWS CLI once: absolute path, argv array (no shell), its own process group, a time and
// output limit, and output pushed to a sink that may apply backpressure. Failures are outcomes, not throws.
import { spawn } from 'node:child_process';
import type { Writable } from 'node:stream';
import { constants } from 'node:os';
import { bwrapArgv } from './bwrap-argv.js';
import type { ExecIsolation } from './isolation.js';
import { createOutputPump, killGroup } from './cli-output.js';

export type OutputStream = 'stdout' | 'stderr';
/** Receives output in order, one call at a time per stream; a returned promise holds that stream until it settles. */
export type OutputSink = (stream: OutputStream, chunk: Buffer) => void | Promise<void>;

export type ExecRequest = Readonly<{
  cliPath: string;
  args: readonly string[];
  env: Readonly<Record<string, string>>;
  cwd: string;
  readsStdin: boolean;
  timeoutMs: number;
  maxOutputBytes: number;
  killGraceMs: number;
  /** bwrap: the CLI runs as `bwrap … -- <cliPath> <args>` in its own mount and pid namespaces. Default none. */
  isolation?: ExecIsolation;
}>;

export type StopReason = 'timeout' | 'output-limit' | 'cancelled';
export type ExecOutcome = Readonly<{
  exitCode: number;
  reason: 'exited' | 'killed' | 'spawn-failed' | StopReason;
  signal: string | undefined;
  durationMs: number;
  stdoutBytes: number;
  stderrBytes: number;
  /** Why the CLI could not be started (spawn-failed only). */
  error?: string;
}>;

export type RunningCli = Readonly<{
  pid: number | undefined;
  /** The pid once the CLI runs (undefined if it never did): at once when spawned, on the worker's word when warm. */
  started: Promise<number | undefined>;
  /** The CLI's stdin when the command reads it, else null. */
  stdin: Writable | null;
  /** Stops the whole process group (SIGTERM, then SIGKILL after the grace period). */
  stop: (reason: StopReason) => void;
  done: Promise<ExecOutcome>;
}>;


const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

export const runAwsCli = (req: ExecRequest, sink: OutputSink): RunningCli => {
  const started = performance.now();
  const isolation = req.isolation ?? { kind: 'none' };
  // Under bwrap the process group is bwrap's and holds the CLI too (no --new-session), so a stop still signals
  // every process; the CLI's pid namespace also dies with bwrap (--die-with-parent), whatever the CLI does.
  const [program, argv] = isolation.kind === 'bwrap' ? [isolation.bwrapPath, [...bwrapArgv(isolation, req.cwd), '--', req.cliPath, ...req.args]] : [req.cliPath, [...req.args]];
  const child = spawn(program, argv, {
    cwd: req.cwd,
    env: { ...req.env },
    stdio: [req.readsStdin ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    detached: true, // own process group, so a stop kills everything the CLI started
    shell: false,
  });
  let stopReason: StopReason | undefined;
  let graceTimer: NodeJS.Timeout | undefined;
  let onStop: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => (onStop = resolve));

  const stop = (reason: StopReason) => {
    if (stopReason !== undefined) return;
    stopReason = reason;
    onStop();
    killGroup(child.pid, 'SIGTERM');
    graceTimer = setTimeout(() => killGroup(child.pid, 'SIGKILL'), req.killGraceMs);
    graceTimer.unref();
  };
  const timer = setTimeout(() => stop('timeout'), req.timeoutMs);
  timer.unref();

  const { bytes, pump } = createOutputPump(sink, req.maxOutputBytes, stop);
  const drained = Promise.all([pump('stdout', child.stdout!), pump('stderr', child.stderr!)]);
  // EPIPE when the CLI exits before reading all of stdin is expected; the exit code tells the story.
  child.stdin?.on('error', () => undefined);

  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: string }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
    child.once('error', (e: NodeJS.ErrnoException) => resolve({ code: null, signal: null, error: `${program}: ${e.code ?? e.message}` }));
  });

  const done = (async (): Promise<ExecOutcome> => {
    const exit = await exited;
    // Whatever the CLI left running in its group goes with it, so that its pipes close and output ends.
    killGroup(child.pid, 'SIGKILL');
    // A receiver that stopped reading must not hold the outcome hostage once the command was stopped.
    await Promise.race([drained, stopped.then(() => delay(req.killGraceMs))]);
    clearTimeout(timer);
    if (graceTimer !== undefined) clearTimeout(graceTimer);
    const durationMs = Math.round(performance.now() - started);
    if (exit.error !== undefined)
      return Object.freeze({ exitCode: 255, reason: 'spawn-failed', signal: undefined, durationMs, stdoutBytes: 0, stderrBytes: 0, error: exit.error });
    const signal = exit.signal ?? undefined;
    const signo = signal === undefined ? undefined : constants.signals[signal];
    const exitCode = exit.code ?? (signo === undefined ? 255 : 128 + signo);
    const reason = stopReason ?? (signal === undefined ? 'exited' : 'killed');
    return Object.freeze({ exitCode, reason, signal, durationMs, stdoutBytes: bytes.stdout, stderrBytes: bytes.stderr });
  })();

  return Object.freeze({ pid: child.pid, started: Promise.resolve(child.pid), stdin: req.readsStdin ? child.stdin : null, stop, done });
};
