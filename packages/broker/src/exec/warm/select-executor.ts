// Chooses, once at start, how commands run: `warm` (forks of preloaded Python workers, warm-pool.ts) or
// `spawn` (a new CLI process per command, run-aws-cli.ts). `auto` = warm when the CLI is a Python install, else
// spawn; `warm` that cannot start falls back too. Under bubblewrap the workers run inside it and every fork gets
// the spawned CLI's layout in namespaces of its own; a first command proves that works, or commands are spawned.
import { runAwsCli, type ExecRequest, type OutputSink, type RunningCli } from '../run-aws-cli.js';
import type { AwsCliInfo } from '../resolve-aws-cli.js';
import type { IsolationPlan } from '../isolation.js';
import { probeCliVersion } from '../probe-cli-version.js';
import { detectPythonCli, type PythonCli } from './detect-python-cli.js';
import { createWarmPool } from './warm-pool.js';
import { workerScript } from './worker-script.js';

export const EXECUTOR_MODES = ['auto', 'warm', 'spawn'] as const;
export type ExecutorMode = (typeof EXECUTOR_MODES)[number];

export type Executor = Readonly<{
  kind: 'warm' | 'spawn';
  /** One line for the start-up log, /readyz and `aws-guard doctor`. */
  describe: string;
  run: (req: ExecRequest, sink: OutputSink) => RunningCli;
  close: () => void;
}>;

export type ExecutorLog = (level: 'info' | 'warn', message: string, data?: Record<string, unknown>) => void;

const spawnExecutor = (why: string): Executor => Object.freeze({ kind: 'spawn', describe: `spawn (${why})`, run: runAwsCli, close: () => undefined });

export type ExecutorPlan =
  | Readonly<{ kind: 'spawn'; why: string; warn: boolean }>
  | Readonly<{ kind: 'warm'; python: PythonCli; script: string }>;

/** What `selectExecutor` would choose, without starting a worker (also for `aws-guard doctor`). */
export const planExecutor = async (input: { mode: ExecutorMode; cli: AwsCliInfo; isolation: IsolationPlan; script?: string }): Promise<ExecutorPlan> => {
  const { mode, cli, isolation } = input;
  if (mode === 'spawn') return { kind: 'spawn', why: 'exec.executor is spawn', warn: false };
  if (isolation.kind === 'bwrap' && process.platform !== 'linux') return { kind: 'spawn', why: 'the warm executor runs under bubblewrap on Linux only', warn: mode === 'warm' };
  const script = input.script ?? workerScript();
  const detected = await detectPythonCli(cli, script);
  if (!detected.ok) return { kind: 'spawn', why: `warm executor unavailable: ${detected.issue.message}`, warn: mode === 'warm' };
  return { kind: 'warm', python: detected.value, script };
};

export const describeWarm = (python: PythonCli, workers: number, isolation?: IsolationPlan): string =>
  `warm (${workers} worker${workers === 1 ? '' : 's'}${isolation?.kind === 'bwrap' ? ' under bwrap' : ''}, ${python.python} ${python.pythonVersion}, awscli ${python.awscli}, botocore ${python.botocore})`;

export const selectExecutor = async (input: {
  mode: ExecutorMode;
  workers: number;
  cli: AwsCliInfo;
  isolation: IsolationPlan;
  log: ExecutorLog;
  script?: string;
}): Promise<Executor> => {
  const plan = await planExecutor(input);
  if (plan.kind === 'spawn') {
    if (input.mode !== 'spawn') input.log(plan.warn ? 'warn' : 'info', `${plan.why}: commands are spawned`);
    return spawnExecutor(plan.why);
  }
  const pool = createWarmPool({ python: plan.python.python, script: plan.script, cliPath: input.cli.path, size: input.workers, isolation: input.isolation, log: input.log });
  if ((await pool.ready) === 0) {
    pool.close();
    input.log('warn', `warm executor unavailable: no worker could start (${plan.python.python}): commands are spawned`);
    return spawnExecutor('no warm worker could start');
  }
  // Through the pool, exactly as commands run: under bwrap this proves a fork can build its namespaces.
  const failed = await probeCliVersion(pool.run, input.cli.path, input.isolation);
  if (failed !== null) {
    pool.close();
    input.log(input.mode === 'warm' ? 'warn' : 'info', `warm executor unavailable: a command cannot run in a warm fork (${failed}): commands are spawned`);
    return spawnExecutor(`a warm fork cannot run the CLI: ${failed}`);
  }
  return Object.freeze({ kind: 'warm', describe: describeWarm(plan.python, input.workers, input.isolation), run: pool.run, close: pool.close });
};
