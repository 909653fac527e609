// A pool of warm workers: started at the broker's start, each restarted when it dies (with a growing pause if
// it dies again before it is ready). A command goes to the next ready worker; with none ready it is spawned.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAwsCli, type ExecRequest, type OutputSink, type RunningCli } from '../run-aws-cli.js';
import type { IsolationPlan } from '../isolation.js';
import { runWarmCli } from './run-warm-cli.js';
import { workerBwrapArgv } from './worker-bwrap-argv.js';
import { startWarmWorker, type WarmWorker, type WorkerBwrap } from './warm-worker.js';

export type WarmPoolSpec = Readonly<{
  python: string;
  script: string;
  cliPath: string;
  size: number;
  /** bwrap: each worker runs under bubblewrap and each command gets its own namespaces (warm-executor.md). */
  isolation?: IsolationPlan | undefined;
  /** Where request sandboxes are created (default: the OS temp dir), for a worker under bubblewrap. */
  sandboxParent?: string | undefined;
  log: (level: 'info' | 'warn', message: string, data?: Record<string, unknown>) => void;
}>;

export type WarmPool = Readonly<{
  /** Resolves with how many workers became ready (0: none could start). */
  ready: Promise<number>;
  run: (req: ExecRequest, sink: OutputSink) => RunningCli;
  /** Live worker pids, for tests and diagnostics. */
  workers: () => readonly (number | undefined)[];
  close: () => void;
}>;

const MAX_PAUSE_MS = 30_000;

export const createWarmPool = (spec: WarmPoolSpec): WarmPool => {
  // The workers' listening sockets live in a directory only the broker's user can enter.
  const dir = mkdtempSync(join(tmpdir(), 'aws-guard-warm-'));
  const plan = spec.isolation;
  const sandboxParent = spec.sandboxParent ?? tmpdir();
  const bwrap: WorkerBwrap | undefined = plan?.kind !== 'bwrap' ? undefined : {
    path: plan.bwrapPath,
    argv: workerBwrapArgv({ plan, sandboxParent, socketDir: dir, script: spec.script, uid: process.getuid?.() ?? -1 }),
    sandboxParent,
  };
  const slots: (WarmWorker | undefined)[] = Array.from({ length: spec.size }, () => undefined);
  let closed = false;
  let next = 0;

  const start = (slot: number, pauseMs: number): WarmWorker => {
    const worker = startWarmWorker({
      python: spec.python, script: spec.script, cliPath: spec.cliPath, dir, name: `w${slot}`, bwrap,
      onLog: (line) => spec.log('warn', `warm worker ${slot}: ${line}`),
    });
    slots[slot] = worker;
    void worker.ended.then(async (why) => {
      if (closed) return;
      const wasReady = await worker.ready;
      rmSync(worker.listenPath, { force: true });
      // A worker that dies once it served is replaced at once; one that cannot start is retried ever more slowly.
      const pause = wasReady ? 0 : Math.min(Math.max(pauseMs * 2, 500), MAX_PAUSE_MS);
      spec.log('warn', `warm worker ${slot} ended (${why}): restarting${pause === 0 ? '' : ` in ${pause} ms`}`, { pid: worker.pid });
      setTimeout(() => {
        if (!closed) start(slot, pause);
      }, pause).unref();
    });
    return worker;
  };
  const initial = slots.map((_, slot) => start(slot, 0));

  return Object.freeze({
    ready: Promise.all(initial.map((w) => w.ready)).then((all) => all.filter(Boolean).length),
    run: (req, sink) => {
      for (let i = 0; i < slots.length; i++) {
        const worker = slots[(next + i) % slots.length];
        if (worker?.isReady()) {
          next = (next + i + 1) % slots.length;
          return runWarmCli(worker, req, sink);
        }
      }
      // No worker ready (all restarting): the command does not wait for one.
      return runAwsCli(req, sink);
    },
    workers: () => slots.map((w) => (w?.isReady() ? w.pid : undefined)),
    close: () => {
      closed = true;
      for (const w of slots) w?.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  });
};
