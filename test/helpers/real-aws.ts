// The real AWS CLI run directly against the emulator, for side-by-side comparisons with the shim.
import { spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveAwsCli, type AwsCliInfo } from '@aws-guard/broker/exec/resolve-aws-cli';
import type { RunResult } from './shim.js';

let cli: Promise<AwsCliInfo> | undefined;

export const realAwsCli = (): Promise<AwsCliInfo> =>
  (cli ??= resolveAwsCli(undefined, process.env['PATH'] ?? '').then((r) => {
    if (!r.ok) throw new Error(`${r.issue.message} (the end-to-end tests need the real AWS CLI: pip install awscli)`);
    return r.value;
  }));

/** `cwd`: run where the agent's files are, for comparing local-file commands. */
export const runAwsDirect = async (args: readonly string[], endpointUrl: string, input?: Buffer, cwd?: string): Promise<RunResult> => {
  const { path } = await realAwsCli();
  const home = await mkdtemp(join(tmpdir(), 'aws-direct-'));
  const env = { PATH: '/usr/local/bin:/usr/bin:/bin', HOME: home, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_DEFAULT_REGION: 'us-east-1', AWS_PAGER: '', LANG: 'C.UTF-8' };
  const child = spawn(path, ['--endpoint-url', endpointUrl, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'], ...(cwd === undefined ? {} : { cwd }) });
  const out: Buffer[] = [];
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => out.push(c));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  child.stdin.end(input);
  return new Promise((resolve) => child.once('close', (code, signal) => resolve({ code, signal, stdout: Buffer.concat(out), stderr })));
};
