// Runs the built admin CLI (`aws-guard ARGS`) as a subprocess and collects what it printed; and the check that a
// failure reached the user as one clear line.
import { spawn } from 'node:child_process';
import type { Test } from 'tap';
import { BUNDLE } from './paths.js';

export type GuardRun = Readonly<{ code: number | null; stdout: string; stderr: string }>;

export type GuardRunOptions = Readonly<{
  /**
   * Run as a user without privileges, so that file modes bind: as root, `nobody` through setpriv (util-linux);
   * otherwise the test's own user, already unprivileged.
   */
  unprivileged?: boolean;
}>;

const NOBODY = ['--reuid=65534', '--regid=65534', '--clear-groups'];

export const runGuard = (args: readonly string[], env: NodeJS.ProcessEnv = { PATH: process.env['PATH'], HOME: '/tmp' }, opts: GuardRunOptions = {}): Promise<GuardRun> =>
  new Promise((resolve) => {
    const asNobody = opts.unprivileged === true && process.getuid?.() === 0;
    // tap injects a NODE_OPTIONS hook into children that writes under the repo at exit, which `nobody` may not.
    const child = asNobody ? spawn('setpriv', [...NOBODY, '/usr/bin/env', '-u', 'NODE_OPTIONS', BUNDLE, ...args], { env }) : spawn(BUNDLE, [...args], { env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });

/** A failure as the promise of the CLI has it: one `aws-guard:` line on stderr, no stack frame. */
export const assertOneLine = (t: Test, stderr: string, prefix: RegExp = /^aws-guard: /): void => {
  t.notMatch(stderr, /\n\s+at /, 'no stack trace');
  t.equal(stderr.trim().split('\n').length, 1, `one line: ${stderr}`);
  t.match(stderr, prefix, 'prefixed');
};
