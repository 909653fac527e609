// Runs the built broker (`bin/aws-guard broker`) as a subprocess on a loopback port, with its own data
// dir and the emulator as its trusted endpoint, and mints tokens with its signing key.
import { spawn } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { issueToken } from '@aws-guard/broker/auth/issue-token';
import { loadOrCreateTokenKeys } from '@aws-guard/broker/auth/token-keys';
import type { Role } from '@aws-guard/broker/auth/identity';
import { requireBundle, ROOT } from './paths.js';

export type Broker = Readonly<{
  url: string;
  pid: number;
  dataDir: string;
  token: (opts?: { agent?: string; human?: string; role?: Role; groups?: readonly string[]; ttlMs?: number; now?: Date }) => Promise<string>;
  stderr: () => string;
  stop: () => Promise<number | null>;
  exited: Promise<number | null>;
}>;

export type BrokerOptions = Readonly<{
  endpointUrl?: string;
  awsCli?: string;
  dataDir?: string;
  args?: readonly string[];
  env?: NodeJS.ProcessEnv;
  /** How long the start may take (default 20 s): a warm broker under bwrap preloads and proves a first fork. */
  startTimeoutMs?: number;
}>;

/** The broker's own environment: the emulator's fake credentials, nothing of the developer's AWS setup. */
export const brokerEnv = (home: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
  PATH: process.env['PATH'],
  HOME: home,
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
  AWS_GUARD_LOG_LEVEL: 'warn',
  // CI runs the end-to-end suite with each executor (docs/warm-executor.md): AWS_GUARD_TEST_EXECUTOR=warm.
  ...(process.env['AWS_GUARD_TEST_EXECUTOR'] === undefined ? {} : { AWS_GUARD_EXECUTOR: process.env['AWS_GUARD_TEST_EXECUTOR'] }),
  ...(process.env['AWS_GUARD_TEST_ISOLATION'] === undefined ? {} : { AWS_GUARD_ISOLATION: process.env['AWS_GUARD_TEST_ISOLATION'] }),
  ...extra,
});

/** A flag's value in `--flag value` or `--flag=value` form, if given. */
const flagValue = (args: readonly string[], flag: string): string | undefined => {
  const at = args.findIndex((a) => a === flag || a.startsWith(`${flag}=`));
  if (at < 0) return undefined;
  const arg = args[at]!;
  return arg === flag ? args[at + 1] : arg.slice(flag.length + 1);
};

/**
 * Whether the test pass chooses this broker's executor (AWS_GUARD_TEST_EXECUTOR, see scripts/run-tests.mjs): it runs
 * the real CLI and names no executor of its own. A fake CLI (a Node script has nothing to preload) or an executor
 * the test chose keeps its executor in every pass.
 */
const passChoosesExecutor = (opts: BrokerOptions): boolean =>
  opts.awsCli === undefined && opts.env?.['AWS_GUARD_EXECUTOR'] === undefined && flagValue(opts.args ?? [], '--executor') === undefined;

/**
 * Notes the running test file in AWS_GUARD_TEST_EXECUTOR_FILES (set by scripts/run-tests.mjs for its spawn pass):
 * the warm pass runs again exactly the files noted, those whose behaviour depends on the executor.
 */
const noteExecutorDependentFile = (): void => {
  const list = process.env['AWS_GUARD_TEST_EXECUTOR_FILES'];
  if (list === undefined || process.argv[1] === undefined) return;
  appendFileSync(list, `${relative(ROOT, resolve(process.argv[1]))}\n`);
};

export const startBroker = async (opts: BrokerOptions = {}): Promise<Broker> => {
  const bundle = requireBundle();
  if (passChoosesExecutor(opts)) noteExecutorDependentFile();
  const dataDir = opts.dataDir ?? (await mkdtemp(join(tmpdir(), 'aws-guard-data-')));
  const home = await mkdtemp(join(tmpdir(), 'aws-guard-home-'));
  const args = ['broker', '--listen', '127.0.0.1:0', '--data-dir', dataDir, '--region', 'us-east-1'];
  if (opts.endpointUrl !== undefined) args.push('--aws-endpoint-url', opts.endpointUrl);
  if (opts.awsCli !== undefined) args.push('--aws-cli', opts.awsCli);
  // tap injects a NODE_OPTIONS loader into every child it sees spawned; `env -u` keeps it out of the broker,
  // which must run (and spawn the CLI) as it would in production.
  const child = spawn('/usr/bin/env', ['-u', 'NODE_OPTIONS', bundle, ...args, ...(opts.args ?? [])], { env: brokerEnv(home, opts.env), stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
      const match = /listening on (ws:\/\/\S+)/.exec(stderr);
      if (match) resolve(match[1]!);
    });
    void exited.then((code) => reject(new Error(`broker exited with ${code} before listening:\n${stderr}`)));
    // Generous: a warm broker listens only once its workers have imported the CLI, slow on a loaded CI machine.
    const limit = opts.startTimeoutMs ?? 90_000;
    setTimeout(() => reject(new Error(`broker did not start in ${limit / 1000}s:
${stderr}`)), limit).unref();
  });
  // In the warm pass such a broker that starts as spawn fell back silently: the pass would test spawn twice.
  if (process.env['AWS_GUARD_TEST_EXECUTOR'] === 'warm' && passChoosesExecutor(opts)) {
    const executor = /^aws-guard: executor: (.*)$/mu.exec(stderr)?.[1] ?? '(no executor line)';
    if (!executor.startsWith('warm')) {
      child.kill('SIGTERM');
      throw new Error(`AWS_GUARD_TEST_EXECUTOR=warm, but the broker runs ${executor}: this pass would test nothing of the warm executor:\n${stderr}`);
    }
  }
  const keys = await loadOrCreateTokenKeys(dataDir);
  return {
    url,
    pid: child.pid!,
    dataDir,
    token: async (t = {}) =>
      (await issueToken(keys, { agent: t.agent ?? 'test-agent', human: t.human ?? 'alice', role: t.role ?? 'agent', ttlMs: t.ttlMs ?? 3_600_000, ...(t.groups ? { groups: t.groups } : {}), ...(t.now ? { now: t.now } : {}) })).token,
    stderr: () => stderr,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
    exited,
  };
};

/** A policy allowing everything, for tests about files and output rather than decisions; returns its path. */
export const writeAllowAllPolicy = async (): Promise<string> => {
  const file = join(await mkdtemp(join(tmpdir(), 'policy-')), 'policy.yaml');
  await writeFile(file, 'version: 1\nrules:\n  - id: allow-all\n    effect: allow\n    actions: ["*"]\n');
  return file;
};
