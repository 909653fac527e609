// The shim expands a path as the CLI's Python would on the agent: compared, for a table of paths and several
// environments, with the real posixpath.expanduser/expandvars (paramfile.py's order) run at test time.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { userInfo } from 'node:os';
import { expandLocalPath } from '../../src/files/expand-local-path.js';

const me = userInfo();
const CWD = '/agent/cwd';

const PATHS = [
  '', 'x', './x', 'x/../y', '../x', '../../../../x', '/abs/../x', '//x', '/', '.', 'dir/',
  '~', '~/', '~/x', '~//x', '~/../x', `~${me.username}`, `~${me.username}/x`, '~nosuchuser-aws-guard/x', '~root/x', '~~/x', 'a~b', 'x/~',
  '$HOME', '${HOME}', '$HOME/x', '${HOME}x', '$HOMEx', '$HOME$HOME', '${HOME}${EMPTY}/x', '$EMPTY/x', '${EMPTY}',
  '$UNSET/x', '${UNSET}/x', '$', '$/x', 'x$', '${', '${}', '${HOME', '$$HOME', '$1', '$_A', '${_A}', '$A-B', '${A-B}', '${A B}',
  '$TILDE/x', '~/$HOME', '$HOME/~', '\\$HOME', '%2e%2e/x', '$DOTS/x', '${DOTS}/../x', '$é', '${é}', '$SLASHES',
  '$AWS_SECRET_ACCESS_KEY', 'x$AWS_SECRET_ACCESS_KEY', '-x', 'a b', 'x\ny',
];

const ENVS: readonly Readonly<Record<string, string>>[] = [
  { HOME: '/home/agent', EMPTY: '', _A: 'underscore', 'A-B': 'dash', 'A B': 'space', TILDE: '~', DOTS: '..', é: 'accent', SLASHES: '//a//b//', '1': 'one', AWS_SECRET_ACCESS_KEY: 'agent-secret' },
  { HOME: '/home/agent/', EMPTY: '' },
  { HOME: '/', DOTS: '../..' },
  { HOME: '' },
  { HOME: 'relative/home' },
  {}, // no HOME: both fall back to the password database
];

const PYTHON = `
import json, os, sys
cwd, paths = json.load(sys.stdin)
out = []
for p in paths:
    out.append([os.path.abspath(os.path.join(cwd, os.path.expandvars(os.path.expanduser(p)))), os.path.abspath(os.path.join(cwd, p))])
json.dump(out, sys.stdout)
`;

// The interpreter itself, so that it can run with nothing but the table's environment (no PATH, maybe no HOME).
const interpreter = spawnSync(process.env['AWS_GUARD_PYTHON'] ?? 'python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).stdout.trim();

/** What Python makes of each path, with exactly `env` as its environment (so HOME is the env's, or absent). */
const python = (env: Readonly<Record<string, string>>): [string, string][] => {
  const run = spawnSync(interpreter, ['-c', PYTHON], { input: JSON.stringify([CWD, PATHS]), encoding: 'utf8', env: { ...env } });
  if (run.status !== 0) throw new Error(`python3 failed: ${run.stderr || run.error?.message}`);
  // POSIX lets normpath keep exactly two leading slashes; on Linux `//x` is `/x`.
  const linux = (p: string) => p.replace(/^\/\/(?!\/)/u, '/');
  return (JSON.parse(run.stdout) as [string, string][]).map(([a, b]) => [linux(a), linux(b)]);
};

t.test('expand=true matches expandvars(expanduser(p)) resolved against the cwd', async (t) => {
  for (const env of ENVS) {
    const expected = python(env);
    PATHS.forEach((path, i) => {
      // The shim is given the account's home from the password database, as Python's pwd module reads it.
      const got = expandLocalPath({ path, expand: true, env, cwd: CWD, home: me.homedir, user: me.username });
      const name = `${JSON.stringify(path)} with HOME=${JSON.stringify(env['HOME'] ?? null)}`;
      const other = /^~([^/]+)/u.exec(path)?.[1];
      if (other !== undefined && other !== me.username) {
        t.match(got, { ok: false, issue: { code: 'FILE_PATH_UNSUPPORTED', message: new RegExp(`~${other}`) } }, `${name}: another user's home is refused`);
        return;
      }
      t.same(got, { ok: true, value: (expected[i] as [string, string])[0] }, name);
    });
  }
});

t.test('expand=false (s3 paths) takes the path literally, as os.path.abspath does', async (t) => {
  const env = ENVS[0] as Record<string, string>;
  const expected = python(env);
  PATHS.forEach((path, i) => {
    t.same(expandLocalPath({ path, expand: false, env, cwd: CWD, home: me.homedir, user: me.username }), { ok: true, value: (expected[i] as [string, string])[1] }, JSON.stringify(path));
  });
});

t.test("the agent's secret never comes from anywhere but the agent's own environment", async (t) => {
  // A variable the agent does not have stays as written: the shim has no other source for it.
  const got = expandLocalPath({ path: 'file-$AWS_SECRET_ACCESS_KEY', expand: true, env: { HOME: '/h' }, cwd: CWD, home: '/h', user: me.username });
  t.same(got, { ok: true, value: `${CWD}/file-$AWS_SECRET_ACCESS_KEY` });
});
