// Chooses the isolation at start (config `isolation: auto|bwrap|none`) by trying it: bwrap must be on PATH, able
// to create its namespaces here, and the real CLI must answer `--version` inside it. Fails closed: bwrap asked
// for but unusable, or usable but the CLI cannot run inside, is a reason not to start.
import { execFile } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fail, ok, type Result } from '@aws-guard/shared/result';
import type { HiddenPath } from './bwrap-argv.js';
import { cliHostPaths, SANDBOX_PATH } from './cli-host-paths.js';
import type { IsolationMode, IsolationPlan } from './isolation.js';
import { probeCliVersion } from './probe-cli-version.js';
import { runAwsCli } from './run-aws-cli.js';
import { isExecutable } from './file-head.js';

const run = promisify(execFile);

export type IsolationCode = 'ISOLATION_UNAVAILABLE' | 'ISOLATION_CLI_FAILS';

export type SelectIsolationOptions = Readonly<{
  mode: IsolationMode;
  /** The real CLI (absolute, resolved). */
  cliPath: string;
  /** The broker's PATH, where bwrap is looked for. */
  pathEnv: string;
  /** Host paths the CLI must never see even where a bind covers them: the data dir, config and policy files. */
  hide: readonly string[];
  /** Where request sandboxes are created (default: the OS temp dir). */
  sandboxParent?: string;
}>;

/**
 * What the CLI reads besides its own installation. /etc is bound file by file: CA certificates (Debian
 * /etc/ssl, Red Hat /etc/pki), name resolution, the loader cache, mime types (`s3 cp` guesses Content-Type
 * from them) and the local time zone (the CLI's timestamps). Missing ones are skipped.
 */
export const SYSTEM_PATHS: readonly string[] = Object.freeze([
  '/usr',
  '/bin',
  '/lib',
  '/lib64',
  '/etc/ssl',
  '/etc/pki',
  '/etc/resolv.conf',
  '/etc/hosts',
  '/etc/nsswitch.conf',
  '/etc/host.conf',
  '/etc/gai.conf',
  '/etc/ld.so.cache',
  '/etc/mime.types',
  '/etc/localtime',
]);

const under = (path: string, root: string): boolean => path === root || path.startsWith(root === '/' ? '/' : `${root}/`);

/** Sorted, without any path already inside another. */
export const minimalCover = (paths: readonly string[]): string[] =>
  [...new Set(paths)].sort().filter((path, _, all) => !all.some((other) => other !== path && under(path, other)));

const findOnPath = (name: string, pathEnv: string): string | undefined =>
  pathEnv
    .split(':')
    .filter((dir) => dir.startsWith('/'))
    .map((dir) => join(dir, name))
    .find((candidate) => isExecutable(candidate) && statSync(candidate).isFile());

const firstLine = (e: unknown): string => {
  const stderr = (e as { stderr?: string }).stderr?.trim();
  return (stderr !== undefined && stderr !== '' ? stderr : (e as Error).message).split('\n')[0] ?? 'failed';
};

/** bwrap's version, and whether it can build the namespaces we use here (user namespaces may be off). */
const probeBwrap = async (bwrapPath: string): Promise<Result<string, 'ISOLATION_UNAVAILABLE'>> => {
  let version: string;
  try {
    version = (await run(bwrapPath, ['--version'], { timeout: 10_000 })).stdout.trim().replace(/^bubblewrap\s+/, '');
  } catch (e) {
    return fail('ISOLATION_UNAVAILABLE', `${bwrapPath} --version failed: ${firstLine(e)}`);
  }
  try {
    const flags = ['--unshare-pid', '--unshare-ipc', '--die-with-parent', '--cap-drop', 'ALL', '--ro-bind', '/', '/', '--proc', '/proc', '--dev', '/dev'];
    await run(bwrapPath, [...flags, '--', bwrapPath, '--version'], { timeout: 10_000, env: { PATH: SANDBOX_PATH } });
  } catch (e) {
    return fail('ISOLATION_UNAVAILABLE', `bwrap cannot create its namespaces here (${firstLine(e)}): unprivileged user namespaces may be off, or the container lacks the privilege`);
  }
  return ok(version);
};

const hiddenPaths = (hide: readonly string[], readOnly: readonly string[]): HiddenPath[] =>
  [...new Set(hide)]
    .filter((path) => existsSync(path) && readOnly.some((root) => under(path, root)))
    .map((path) => ({ path, dir: statSync(path).isDirectory() }));

/** A command's environment without credentials: for `aws --version` run as a start-up probe. */
/** Runs `<cli> --version` exactly as commands run (runAwsCli, a fresh sandbox) to prove the binds suffice. */
const probeCli = async (plan: IsolationPlan & { kind: 'bwrap' }, cliPath: string, sandboxParent: string | undefined): Promise<Result<true, 'ISOLATION_CLI_FAILS'>> => {
  const why = await probeCliVersion(runAwsCli, cliPath, plan, sandboxParent);
  if (why === null) return ok(true);
  return fail('ISOLATION_CLI_FAILS', `the AWS CLI does not run inside bwrap (${why}): fix the binds, or set isolation: none to run it unconfined`);
};

export const selectIsolation = async (opts: SelectIsolationOptions): Promise<Result<IsolationPlan, IsolationCode>> => {
  if (opts.mode === 'none') return ok({ kind: 'none', reason: 'isolation: none configured' });
  const bwrapPath = findOnPath('bwrap', opts.pathEnv);
  if (bwrapPath === undefined) {
    if (opts.mode === 'bwrap') return fail('ISOLATION_UNAVAILABLE', 'isolation: bwrap is configured but bwrap is not on PATH: apt-get install bubblewrap');
    return ok({ kind: 'none', reason: 'bwrap not found on PATH' });
  }
  const version = await probeBwrap(bwrapPath);
  if (!version.ok) {
    if (opts.mode === 'bwrap') return fail('ISOLATION_UNAVAILABLE', `isolation: bwrap is configured but ${version.issue.message}`);
    return ok({ kind: 'none', reason: version.issue.message });
  }
  // From here bwrap works: a CLI that cannot run inside it is a misconfiguration, never a reason to run unconfined.
  const cli = await cliHostPaths(opts.cliPath);
  if (!cli.ok) return fail('ISOLATION_CLI_FAILS', cli.issue.message);
  if (cli.value.includes('/')) return fail('ISOLATION_CLI_FAILS', 'the CLI\'s installation includes / itself: binding it would show the whole host');
  const readOnly = minimalCover([...SYSTEM_PATHS.filter((path) => existsSync(path)), ...cli.value]);
  // Other requests' sandboxes, too, where the temp dir lies under a bind (TMPDIR=/usr/local/tmp).
  const hide = [...opts.hide, opts.sandboxParent ?? tmpdir()];
  const hidden = hiddenPaths(hide, readOnly);
  const buried = cli.value.find((path) => hidden.some((h) => under(path, h.path)));
  if (buried !== undefined) return fail('ISOLATION_CLI_FAILS', `${buried}, which the CLI needs, lies inside ${hidden.find((h) => under(buried, h.path))!.path}, which it must not see`);
  const plan: IsolationPlan = Object.freeze({ kind: 'bwrap', bwrapPath, bwrapVersion: version.value, readOnly: Object.freeze(readOnly), hidden: Object.freeze(hidden) });
  const works = await probeCli(plan, opts.cliPath, opts.sandboxParent);
  return works.ok ? ok(plan) : works;
};
