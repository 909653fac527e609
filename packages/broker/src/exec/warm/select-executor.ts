// Chooses, once at start, how commands run: `warm` (forks of preloaded Python workers, warm-pool.ts) or
// `spawn` (a new CLI process per command, run-aws-cli.ts). `auto` = warm when the CLI is a Python install and
// isolation is not bubblewrap (not supported warm yet), else spawn; `warm` that cannot start falls back too.
import { runAwsCli, type ExecRequest, type OutputSink, type RunningCli } from '../run-aws-cli.js';
import type { AwsCliInfo } from '../resolve-aws-cli.js';
import type { IsolationPlan } from '../isolation.js';
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
  if (isolation.kind === 'bwrap')
    return { kind: 'spawn', why: mode === 'warm' ? 'exec.executor warm is not supported with bubblewrap isolation yet' : 'the warm executor does not run under bubblewrap yet', warn: mode === 'warm' };
  const script = input.script ?? workerScript();
  const detected = await detectPythonCli(cli, script);
  if (!detected.ok) return { kind: 'spawn', why: `warm executor unavailable: ${detected.issue.message}`, warn: mode === 'warm' };
  return { kind: 'warm', python: detected.value, script };
};

export const describeWarm = (python: PythonCli, workers: number): string =>
  `warm (${workers} worker${workers === 1 ? '' : 's'}, ${python.python} ${python.pythonVersion}, awscli ${python.awscli}, botocore ${python.botocore})`;

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
  const pool = createWarmPool({ python: plan.python.python, script: plan.script, cliPath: input.cli.path, size: input.workers, log: input.log });
  if ((await pool.ready) === 0) {
    pool.close();
    input.log('warn', `warm executor unavailable: no worker could start (${plan.python.python}): commands are spawned`);
    return spawnExecutor('no warm worker could start');
  }
  return Object.freeze({ kind: 'warm', describe: describeWarm(plan.python, input.workers), run: pool.run, close: pool.close });
};
