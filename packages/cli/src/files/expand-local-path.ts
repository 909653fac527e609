// Where a path written on the command line points in the agent's filesystem: the CLI would expand `~` and
// `$VAR` (Python's os.path.expanduser / expandvars) with the agent's environment, then resolve against its cwd.
import { isAbsolute, resolve } from 'node:path';
import { fail, ok, type Result } from '@aws-guard/shared/result';

export type ExpandInput = Readonly<{ path: string; expand: boolean; env: Readonly<Record<string, string | undefined>>; cwd: string; home: string; user: string }>;

// posixpath.expandvars: `$name` or `${name}` with name of word characters; unknown variables stay as written.
const VAR = /\$(\w+|\{[^}]*\})/gu;

const expandVars = (path: string, env: ExpandInput['env']): string =>
  path.includes('$')
    ? path.replace(VAR, (whole, name: string) => {
        const key = name.startsWith('{') ? name.slice(1, -1) : name;
        return env[key] ?? whole;
      })
    : path;

/** posixpath.expanduser for `~` and `~<own user>`; another user's home is not ours to look up. */
const expandUser = (path: string, input: ExpandInput): Result<string, 'FILE_PATH_UNSUPPORTED'> => {
  if (!path.startsWith('~')) return ok(path);
  const slash = path.indexOf('/', 1);
  const user = slash === -1 ? path.slice(1) : path.slice(1, slash);
  const rest = slash === -1 ? '' : path.slice(slash);
  if (user !== '' && user !== input.user) return fail('FILE_PATH_UNSUPPORTED', `${path}: another user's home directory (~${user}) is not supported`);
  const home = user === '' ? (input.env['HOME'] ?? input.home) : input.home;
  const joined = (home.endsWith('/') && rest !== '' ? home.slice(0, -1) : home) + rest;
  return ok(joined === '' ? '/' : joined);
};

/** The absolute agent path the CLI would open, had it run here. */
export const expandLocalPath = (input: ExpandInput): Result<string, 'FILE_PATH_UNSUPPORTED'> => {
  let path = input.path;
  if (input.expand) {
    // paramfile.py: expandvars(expanduser(path)).
    const user = expandUser(path, input);
    if (!user.ok) return user;
    path = expandVars(user.value, input.env);
  }
  return ok(isAbsolute(path) ? resolve(path) : resolve(input.cwd, path));
};
