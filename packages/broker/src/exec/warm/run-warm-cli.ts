// Runs one command in a fork of a warm worker, under the same contract as run-aws-cli.ts: output through the
// sink with backpressure, stdin, a time and output limit and stop() killing the fork's whole process group.
// Its stdin/stdout/stderr are Unix-socket connections to the worker, as a spawned CLI's are socketpairs; a fourth
// carries the command itself (argv, environment, bwrap layout), read only by the fork.
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { constants } from 'node:os';
import { PassThrough } from 'node:stream';
import { runAwsCli, type ExecOutcome, type ExecRequest, type OutputSink, type RunningCli, type StopReason } from '../run-aws-cli.js';
import { bwrapArgv } from '../bwrap-argv.js';
import type { CommandSpec, WarmWorker, WorkerEvent } from './warm-worker.js';
import { createOutputPump, killGroup } from '../cli-output.js';

const HEADER_BYTES = 64;


const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

const openStream = (worker: WarmWorker, role: 'in' | 'out' | 'err' | 'req', id: string): Socket => {
  const socket = connect(worker.listenPath);
  socket.write(`AWSG1 ${role} ${id}`.padEnd(HEADER_BYTES - 1) + '\n');
  return socket;
};

export const runWarmCli = (worker: WarmWorker, req: ExecRequest, sink: OutputSink): RunningCli => {
  // The layout a spawned bwrap would get, from the same function: a worker under bwrap rebuilds it in the fork.
  const bwrap = req.isolation?.kind === 'bwrap' ? bwrapArgv(req.isolation, req.cwd) : null;
  // A request whose isolation is not the worker's never runs there (fail closed: it is spawned as asked).
  if ((bwrap !== null) !== worker.isolated) return runAwsCli(req, sink);
  const started = performance.now();
  // The caller writes stdin here; it reaches the fork once it exists, or a spawned CLI if the fork never happens.
  const stdinIn = req.readsStdin ? new PassThrough() : null;
  let spawned: RunningCli | undefined;
  // A random id: the worker joins a stream to a request only by it, and only the broker learns it.
  const id = randomBytes(16).toString('hex');
  const out = openStream(worker, 'out', id);
  const err = openStream(worker, 'err', id);
  const stdin = req.readsStdin ? openStream(worker, 'in', id) : null;
  const command: CommandSpec = { cliPath: req.cliPath, args: req.args, env: req.env, bwrap };
  const spec = openStream(worker, 'req', id);
  spec.end(JSON.stringify(command));
  // Errors show as the worker's events (a worker that is gone reports `lost`), not on these sockets.
  for (const s of [out, err, stdin, spec]) s?.on('error', () => undefined);
  let onPid: (pid: number | undefined) => void = () => undefined;
  const startedP = new Promise<number | undefined>((resolve) => (onPid = resolve));
  let pid: number | undefined;
  let stopReason: StopReason | undefined;
  let graceTimer: NodeJS.Timeout | undefined;
  let onStop: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => (onStop = resolve));

  const stop = (reason: StopReason) => {
    if (spawned !== undefined) return spawned.stop(reason);
    if (stopReason !== undefined) return;
    stopReason = reason;
    onStop();
    // Before the fork is known the stop waits for its pid (below); the sockets go now either way.
    killGroup(pid, 'SIGTERM');
    graceTimer = setTimeout(() => killGroup(pid, 'SIGKILL'), req.killGraceMs);
    graceTimer.unref();
  };
  const timer = setTimeout(() => stop('timeout'), req.timeoutMs);
  timer.unref();

  const { bytes, pump } = createOutputPump(sink, req.maxOutputBytes, stop);
  const drained = Promise.all([pump('stdout', out), pump('stderr', err)]);

  const exited = new Promise<WorkerEvent>((resolve) => {
    worker.send({ id, cwd: req.cwd, readsStdin: req.readsStdin }, (event) => {
      if (event.event !== 'started') return resolve(event);
      pid = event.pid;
      onPid(pid);
      if (stdin !== null) stdinIn?.pipe(stdin);
      if (stopReason !== undefined) killGroup(pid, 'SIGTERM');
    });
  });

  const finish = async (): Promise<ExecOutcome> => {
    const exit = await exited;
    // The worker died before it forked (the pool had not noticed yet): nothing ran, the command is spawned.
    if (exit.event === 'lost' && pid === undefined && stopReason === undefined) {
      for (const s of [out, err, stdin, spec]) s?.destroy();
      clearTimeout(timer);
      spawned = runAwsCli(req, sink);
      onPid(spawned.pid);
      if (stdinIn !== null && spawned.stdin !== null) stdinIn.pipe(spawned.stdin);
      return spawned.done;
    }
    killGroup(pid, 'SIGKILL');
    if (exit.event === 'failed' || exit.event === 'lost') for (const s of [out, err, stdin, spec]) s?.destroy();
    onPid(undefined);
    await Promise.race([drained, stopped.then(() => delay(req.killGraceMs))]);
    clearTimeout(timer);
    if (graceTimer !== undefined) clearTimeout(graceTimer);
    const durationMs = Math.round(performance.now() - started);
    if (exit.event === 'failed')
      return Object.freeze({ exitCode: 255, reason: 'spawn-failed', signal: undefined, durationMs, stdoutBytes: 0, stderrBytes: 0, error: exit.error });
    if (exit.event === 'lost')
      return Object.freeze({ exitCode: 255, reason: stopReason ?? 'killed', signal: undefined, durationMs, stdoutBytes: bytes.stdout, stderrBytes: bytes.stderr, error: exit.error });
    const signal = exit.event === 'exited' && exit.signal !== null ? exit.signal : undefined;
    const signo = signal === undefined ? undefined : constants.signals[signal as NodeJS.Signals];
    const exitCode = exit.event === 'exited' && exit.code !== null ? exit.code : signo === undefined ? 255 : 128 + signo;
    const reason = stopReason ?? (signal === undefined ? 'exited' : 'killed');
    return Object.freeze({ exitCode, reason, signal, durationMs, stdoutBytes: bytes.stdout, stderrBytes: bytes.stderr });
  };
  // Stdin the command never read is dropped with it (the caller's pending writes complete, with an error).
  const done = finish().finally(() => {
    stdinIn?.destroy();
    onPid(undefined);
  });

  // The pid is the fork's, known a moment after the start; callers log it and may read it later.
  return Object.freeze({
    get pid() {
      return spawned?.pid ?? pid;
    },
    started: startedP,
    stdin: stdinIn,
    stop,
    done,
  }) as RunningCli;
};
