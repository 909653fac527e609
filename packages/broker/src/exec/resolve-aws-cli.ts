// Finds the real AWS CLI the broker runs (by absolute path: the shim is also called `aws`, a PATH
// lookup at run time could recurse) and learns its version once, at start.
import { execFile } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { fail, ok, type Result } from '@aws-guard/shared/result';
import { isExecutable, readFileHead } from './file-head.js';

const run = promisify(execFile);

/** Marker the aws-guard bundle carries so the broker never mistakes the shim for the real CLI. */
export const SHIM_MARKER = 'aws-guard:shim-bundle';

export type AwsCliInfo = Readonly<{
  path: string;
  /** `1.45.11` */
  version: string;
  major: number;
  /** Exactly what `aws --version` printed, so the shim can print the same. */
  versionText: string;
}>;

export type CliCode = 'CLI_NOT_FOUND' | 'CLI_NOT_EXECUTABLE' | 'CLI_VERSION_UNKNOWN';

/** A pyenv shim is a bash script that re-dispatches; resolve it to the interpreter's real `aws` script. */
const resolvePyenvShim = async (path: string, text: string, pathEnv: string): Promise<Result<string, CliCode>> => {
  const root = /export PYENV_ROOT="([^"]+)"/.exec(text)?.[1];
  if (root === undefined || !text.includes('libexec/pyenv')) return ok(path);
  try {
    const { stdout } = await run(join(root, 'libexec', 'pyenv'), ['which', 'aws'], { env: { PYENV_ROOT: root, PATH: pathEnv }, timeout: 30_000 });
    return ok(stdout.trim());
  } catch (e) {
    const why = ((e as { stderr?: string }).stderr ?? (e as Error).message).trim().split('\n')[0];
    return fail('CLI_NOT_FOUND', `${path} is a pyenv shim, but pyenv finds no aws for the active Python (${why}): pip install awscli, or pass --aws-cli PATH`);
  }
};

const findOnPath = (pathEnv: string): string[] =>
  pathEnv
    .split(delimiter)
    .filter((dir) => dir !== '')
    .map((dir) => join(dir, 'aws'))
    .filter(isExecutable);

export const resolveAwsCli = async (configured: string | undefined, pathEnv: string): Promise<Result<AwsCliInfo, CliCode>> => {
  const candidates = configured === undefined ? findOnPath(pathEnv) : [configured];
  let chosen: string | undefined;
  for (const candidate of candidates) {
    if (!isExecutable(candidate)) return fail('CLI_NOT_EXECUTABLE', `${candidate} is not an executable file: pass the AWS CLI's path with --aws-cli PATH (env AWS_GUARD_AWS_CLI)`);
    const text = readFileHead(candidate);
    if (text.includes(SHIM_MARKER)) {
      if (configured !== undefined) return fail('CLI_NOT_FOUND', `${candidate} is aws-guard's own shim, not the AWS CLI: pass the real CLI's path`);
      continue;
    }
    const resolved = await resolvePyenvShim(candidate, text, pathEnv);
    if (!resolved.ok) return resolved;
    chosen = realpathSync(resolved.value);
    break;
  }
  if (chosen === undefined)
    return fail('CLI_NOT_FOUND', 'no AWS CLI found on PATH (other than aws-guard itself): install it (pip install awscli, or apt-get install awscli) or pass --aws-cli PATH');
  return probeVersion(chosen);
};

const VERSION = /^aws-cli\/((\d+)\.\d+\.\d+)/;

const probeVersion = async (path: string): Promise<Result<AwsCliInfo, CliCode>> => {
  let out: { stdout: string; stderr: string };
  try {
    out = await run(path, ['--version'], { env: { PATH: '/usr/local/bin:/usr/bin:/bin', HOME: '/nonexistent', AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null' }, timeout: 30_000 });
  } catch (e) {
    return fail('CLI_VERSION_UNKNOWN', `${path} --version failed: ${(e as Error).message.split('\n')[0]}`);
  }
  // v1 on old Pythons printed the version on stderr; take whichever stream has it.
  const versionText = VERSION.test(out.stdout) ? out.stdout : out.stderr;
  const match = VERSION.exec(versionText);
  if (!match) return fail('CLI_VERSION_UNKNOWN', `${path} --version printed no aws-cli version: it is not the AWS CLI; pass the real one with --aws-cli PATH (env AWS_GUARD_AWS_CLI)`);
  return ok(Object.freeze({ path, version: match[1]!, major: Number(match[2]), versionText }));
};
