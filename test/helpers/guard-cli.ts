// Runs the built admin CLI (`aws-guard ARGS`) as a subprocess and collects what it printed.
import { spawn } from 'node:child_process';
import { BUNDLE } from './paths.js';

export type GuardRun = Readonly<{ code: number | null; stdout: string; stderr: string }>;

export const runGuard = (args: readonly string[], env: NodeJS.ProcessEnv = { PATH: process.env['PATH'], HOME: '/tmp' }): Promise<GuardRun> =>
  new Promise((resolve) => {
    const child = spawn(BUNDLE, [...args], { env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
