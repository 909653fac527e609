// Runs the built `aws` shim as a subprocess (a symlink named `aws` to the shim's bundle, as `aws-guard shim
// install` makes it), from an environment with no AWS variables at all: only the broker URL and token.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { requireShimBundle } from './paths.js';

export type RunResult = Readonly<{ code: number | null; signal: NodeJS.Signals | null; stdout: Buffer; stderr: string }>;

let shimDir: Promise<string> | undefined;

/** A directory holding `aws` → bin/dist/shim.cjs, made once per test process. */
export const shimBinDir = (): Promise<string> =>
  (shimDir ??= (async () => {
    const dir = await mkdtemp(join(tmpdir(), 'aws-guard-shim-'));
    await symlink(requireShimBundle(), join(dir, 'aws'));
    return dir;
  })());

export const agentEnv = async (url: string | undefined, token: string | undefined, extra: NodeJS.ProcessEnv = {}): Promise<NodeJS.ProcessEnv> => ({
  PATH: `${await shimBinDir()}:/usr/local/bin:/usr/bin:/bin`,
  HOME: tmpdir(),
  ...(url === undefined ? {} : { AWS_GUARD_URL: url }),
  ...(token === undefined ? {} : { AWS_GUARD_TOKEN: token }),
  ...extra,
});

export type ShimRun = Readonly<{ env: NodeJS.ProcessEnv; input?: Buffer | Readable; onSpawn?: (pid: number) => void; cwd?: string }>;

export const runAws = async (args: readonly string[], run: ShimRun): Promise<RunResult> => {
  const child = spawn(join(await shimBinDir(), 'aws'), [...args], { env: run.env, stdio: ['pipe', 'pipe', 'pipe'], ...(run.cwd === undefined ? {} : { cwd: run.cwd }) });
  run.onSpawn?.(child.pid!);
  const out: Buffer[] = [];
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => out.push(c));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  if (run.input === undefined) child.stdin.end();
  else if (Buffer.isBuffer(run.input)) child.stdin.end(run.input);
  else run.input.pipe(child.stdin);
  child.stdin.on('error', () => undefined);
  return new Promise((resolve) =>
    child.once('close', (code, signal) => resolve({ code, signal, stdout: Buffer.concat(out), stderr })),
  );
};

/**
 * A shim held for approval: resolves the approval id once its stderr names it (rejects if it ends first), with its
 * exit and its stderr so far. For tests that approve or deny a running `aws` from outside.
 */
export const awaitApproval = async (child: ChildProcess): Promise<{ approvalId: string; exit: Promise<number | null>; stderr: () => string }> => {
  const exit = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  let stderr = '';
  const approvalId = await new Promise<string>((resolve, reject) => {
    if (child.stderr === null) throw new TypeError('awaitApproval needs the shim spawned with stderr piped');
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
      const m = /approval (apr_[\w-]+)/.exec(stderr);
      if (m) resolve(m[1]!);
    });
    void exit.then(() => reject(new Error(`the shim ended before waiting: ${stderr}`)));
  });
  return { approvalId, exit, stderr: () => stderr };
};
