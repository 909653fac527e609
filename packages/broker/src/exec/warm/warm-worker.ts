// One Python worker process (aws_guard_worker.py), under bubblewrap where isolation is bwrap: started with its
// control socket on fd 3, ready once it has preloaded the CLI, then told of each command as one JSON line (id,
// cwd, stdin or not: never the command itself, which only the fork reads); it answers started/exited/failed.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { Socket } from 'node:net';
import { WORKER_ENV } from './worker-env.js';

export type WorkerEvent =
  | Readonly<{ event: 'started'; id: string; pid: number }>
  | Readonly<{ event: 'exited'; id: string; code: number | null; signal: string | null }>
  | Readonly<{ event: 'failed'; id: string; error: string }>
  /** The worker died with the command in flight: its exit status is lost. */
  | Readonly<{ event: 'lost'; id: string; error: string }>;

export type WorkerRequest = Readonly<{ id: string; cwd: string; readsStdin: boolean }>;
/** What the fork reads from its `req` stream: the worker never sees it (credentials are in `env`). */
export type CommandSpec = Readonly<{ cliPath: string; args: readonly string[]; env: Readonly<Record<string, string>>; bwrap: readonly string[] | null }>;

export type WarmWorker = Readonly<{
  pid: number | undefined;
  listenPath: string;
  /** Runs under bubblewrap: every request must carry its bwrap layout, and gets it in its own namespaces. */
  isolated: boolean;
  /** True once the worker has preloaded and listens; false if it died first. */
  ready: Promise<boolean>;
  isReady: () => boolean;
  send: (req: WorkerRequest, onEvent: (e: WorkerEvent) => void) => void;
  /** Resolves with why the worker ended. */
  ended: Promise<string>;
  stop: () => void;
}>;

/** bwrap and its options (worker-bwrap-argv.ts), and the sandboxes' parent the worker is told of. */
export type WorkerBwrap = Readonly<{ path: string; argv: readonly string[]; sandboxParent: string }>;

export type WorkerSpec = Readonly<{ python: string; script: string; cliPath: string; dir: string; name: string; bwrap?: WorkerBwrap | undefined; onLog: (line: string) => void }>;

export const startWarmWorker = (spec: WorkerSpec): WarmWorker => {
  const listenPath = join(spec.dir, `${spec.name}.sock`);
  const worker = [spec.python, spec.script, spec.cliPath, listenPath];
  const [program, argv] = spec.bwrap === undefined
    ? [spec.python, worker.slice(1)]
    : [spec.bwrap.path, [...spec.bwrap.argv, '--', ...worker, '--sandboxes', spec.bwrap.sandboxParent]];
  const child = spawn(program, argv, {
    cwd: '/',
    env: { ...WORKER_ENV },
    // fd 3 is a socketpair only the broker holds: requests cannot come from anyone else.
    stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
  });
  const ctl = child.stdio[3] as Socket;
  const handlers = new Map<string, (e: WorkerEvent) => void>();
  let ready = false;
  let onReady: (value: boolean) => void = () => undefined;
  const readyP = new Promise<boolean>((resolve) => (onReady = resolve));
  let buffered = '';
  ctl.setEncoding('utf8');
  ctl.on('data', (text: string) => {
    buffered += text;
    for (let nl = buffered.indexOf('\n'); nl >= 0; nl = buffered.indexOf('\n')) {
      const msg = JSON.parse(buffered.slice(0, nl)) as { event: string; id?: string };
      buffered = buffered.slice(nl + 1);
      if (msg.event === 'ready') {
        ready = true;
        onReady(true);
        continue;
      }
      const handler = msg.id === undefined ? undefined : handlers.get(msg.id);
      if (handler === undefined) continue;
      if (msg.event !== 'started') handlers.delete(msg.id!);
      handler(msg as WorkerEvent);
    }
  });
  ctl.on('error', () => undefined);
  let stderrTail = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (text: string) => {
    stderrTail = (stderrTail + text).slice(-2000);
    for (const line of text.split('\n')) if (line.trim() !== '') spec.onLog(line);
  });
  const ended = new Promise<string>((resolve) => {
    const end = (why: string) => {
      ready = false;
      onReady(false);
      for (const [id, handler] of handlers) handler({ event: 'lost', id, error: `warm worker ${spec.name} ended (${why})` });
      handlers.clear();
      resolve(why);
    };
    child.once('exit', (code, signal) => end(signal ?? `exit ${code}${stderrTail.trim() === '' ? '' : `: ${stderrTail.trim().split('\n').pop()}`}`));
    child.once('error', (e) => end(e.message));
  });
  return Object.freeze({
    pid: child.pid,
    listenPath,
    isolated: spec.bwrap !== undefined,
    ready: readyP,
    isReady: () => ready,
    send: (req, onEvent) => {
      handlers.set(req.id, onEvent);
      ctl.write(`${JSON.stringify(req)}\n`);
    },
    ended,
    stop: () => {
      ready = false;
      child.kill('SIGKILL');
    },
  });
};
