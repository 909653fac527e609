import t from 'tap';
import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { shebangInterpreter, cliHostPaths } from '@aws-guard/broker/exec/cli-host-paths';
import { minimalCover, selectIsolation } from '@aws-guard/broker/exec/select-isolation';
import { resolveAwsCli } from '@aws-guard/broker/exec/resolve-aws-cli';
import { FIXTURES } from '../../../../test/helpers/paths.js';

const PATH = process.env['PATH'] ?? '';
const SLEEPY = join(FIXTURES, 'fake-aws', 'sleepy-aws');
const realCli = async () => {
  const cli = await resolveAwsCli(undefined, PATH);
  if (!cli.ok) throw new Error(`${cli.issue.message} (these tests need the real AWS CLI: pip install awscli)`);
  return cli.value;
};

const script = (dir: string, name: string, text: string): string => {
  const path = join(dir, name);
  writeFileSync(path, text);
  chmodSync(path, 0o755);
  return path;
};

// [shebang line, interpreter (undefined = not a script)]
const shebangs: Array<[string, string | undefined]> = [
  ['#!/root/.pyenv/versions/3.11.7/bin/python', '/root/.pyenv/versions/3.11.7/bin/python'],
  ['#!/usr/bin/python3 -s', '/usr/bin/python3'],
  ['#! /usr/bin/python3', '/usr/bin/python3'],
  ['#!/usr/bin/env node', '/usr/bin/node'],
  ['#!/usr/bin/env -S python3 -s', '/usr/bin/python3'],
  ['#!/usr/bin/env LANG=C python3', '/usr/bin/python3'],
  ['#!/usr/bin/env /opt/py/bin/python3', '/opt/py/bin/python3'],
  ['\x7fELF\x02\x01', undefined],
  ['import sys', undefined],
];

t.test('the interpreter is read from the shebang, `env` names resolved on the sandbox PATH', async (t) => {
  for (const [line, expected] of shebangs) {
    const got = shebangInterpreter(line);
    t.ok(got.ok, line);
    if (got.ok) t.equal(got.value, expected, JSON.stringify(line));
  }
  t.notOk(shebangInterpreter('#!/usr/bin/env no-such-interpreter-xyz').ok, 'an interpreter the sandbox PATH lacks is an error');
  t.notOk(shebangInterpreter('#!').ok, 'an empty #! line is an error');
});

t.test('the real CLI needs its Python prefix, found from its shebang and sys.prefix', async (t) => {
  const cli = await realCli();
  const paths = await cliHostPaths(cli.path);
  t.ok(paths.ok, paths.ok ? '' : paths.issue.message);
  if (!paths.ok) return;
  const { execFileSync } = await import('node:child_process');
  const line = execFileSync('head', ['-n1', cli.path]).toString().trim();
  const interpreter = line.slice(2).trim().split(/\s+/)[0]!;
  if (!interpreter.endsWith('/env')) {
    const prefix = execFileSync(interpreter, ['-c', 'import sys;print(sys.prefix)']).toString().trim();
    t.ok(paths.value.includes(prefix), `${prefix} is bound`);
  }
  t.ok(paths.value.every((p) => p.startsWith('/')), 'absolute paths only');
});

t.test('a node script needs only its own directory and node\'s', async (t) => {
  const paths = await cliHostPaths(SLEEPY);
  t.ok(paths.ok);
  if (paths.ok) t.same(paths.value.filter((p) => !p.startsWith('/usr')), [join(FIXTURES, 'fake-aws')]);
});

t.test('minimalCover drops paths inside others and keeps siblings that share a prefix', async (t) => {
  t.same(minimalCover(['/usr', '/usr/local/bin', '/root/.pyenv/versions/3.11.7', '/root/.pyenv/versions/3.11.7/bin', '/usr2', '/usr']), ['/root/.pyenv/versions/3.11.7', '/usr', '/usr2']);
});

t.test('isolation: none runs nothing and says it was configured', async (t) => {
  t.same(await selectIsolation({ mode: 'none', cliPath: SLEEPY, pathEnv: PATH, hide: [] }), { ok: true, value: { kind: 'none', reason: 'isolation: none configured' } });
});

t.test('without bwrap on PATH, auto runs unconfined and bwrap refuses to start', async (t) => {
  const empty = t.testdir({});
  const auto = await selectIsolation({ mode: 'auto', cliPath: SLEEPY, pathEnv: empty, hide: [] });
  t.same(auto, { ok: true, value: { kind: 'none', reason: 'bwrap not found on PATH' } });
  const strict = await selectIsolation({ mode: 'bwrap', cliPath: SLEEPY, pathEnv: empty, hide: [] });
  t.match(strict, { ok: false, issue: { code: 'ISOLATION_UNAVAILABLE', message: /bwrap is not on PATH: apt-get install bubblewrap/ } });
});

t.test('a bwrap that cannot create namespaces (user namespaces off) counts as unavailable', async (t) => {
  const dir = t.testdir({});
  script(dir, 'bwrap', '#!/bin/sh\n[ "$1" = --version ] && { echo "bubblewrap 0.8.0"; exit 0; }\necho "bwrap: No permissions to creating new namespace" >&2\nexit 1\n');
  const auto = await selectIsolation({ mode: 'auto', cliPath: SLEEPY, pathEnv: dir, hide: [] });
  t.match(auto, { ok: true, value: { kind: 'none', reason: /cannot create its namespaces here \(bwrap: No permissions/ } });
  const strict = await selectIsolation({ mode: 'bwrap', cliPath: SLEEPY, pathEnv: dir, hide: [] });
  t.match(strict, { ok: false, issue: { code: 'ISOLATION_UNAVAILABLE', message: /isolation: bwrap is configured but bwrap cannot create its namespaces/ } });
});

t.test('with bwrap here, auto picks it and binds the CLI\'s installation', async (t) => {
  const cli = await realCli();
  const plan = await selectIsolation({ mode: 'auto', cliPath: cli.path, pathEnv: PATH, hide: [] });
  t.ok(plan.ok && plan.value.kind === 'bwrap', JSON.stringify(plan));
  if (!plan.ok || plan.value.kind !== 'bwrap') return;
  t.ok(plan.value.readOnly.includes('/usr'));
  t.notOk(plan.value.readOnly.some((p) => p === '/' || p === '/root' || p === '/etc' || p === '/home' || p.startsWith('/work')), `nothing broad: ${plan.value.readOnly.join(' ')}`);
  t.ok(Object.isFrozen(plan.value));
});

t.test('a CLI that cannot run inside bwrap stops the start, in auto mode too', async (t) => {
  // It works on the host, but needs a file outside every bind the plan makes.
  const dir = t.testdir({ lib: { 'version.sh': 'echo aws-cli/1.45.11\n' }, cli: {} });
  const cli = script(join(dir, 'cli'), 'aws', `#!/bin/sh\n. ${join(dir, 'lib', 'version.sh')}\n`);
  const plan = await selectIsolation({ mode: 'auto', cliPath: cli, pathEnv: PATH, hide: [] });
  t.match(plan, { ok: false, issue: { code: 'ISOLATION_CLI_FAILS', message: /the AWS CLI does not run inside bwrap \(.*cannot open .*\): fix the binds, or set isolation: none/ } });
});

t.test('a Python CLI whose interpreter cannot say where its libraries are is refused', async (t) => {
  const dir = t.testdir({ bin: {} });
  const python = script(join(dir, 'bin'), 'python3', '#!/bin/sh\nexit 3\n');
  const cli = script(dir, 'aws', `#!${python}\n`);
  t.match(await selectIsolation({ mode: 'auto', cliPath: cli, pathEnv: PATH, hide: [] }), { ok: false, issue: { code: 'ISOLATION_CLI_FAILS', message: /cannot learn where .*python3 keeps its libraries/ } });
});

// Shell fakes: a node one would need the loader tap puts in NODE_OPTIONS, which bwrap (rightly) hides.
const VERSION_SH = '#!/bin/sh\n[ "$1" = --version ] && echo aws-cli/1.45.11 Python/3.11.7\n';

t.test('the data dir is covered up where a bind would show it, and a CLI inside it is refused', async (t) => {
  const dir = t.testdir({ data: { 'canary.txt': 'CANARY' } });
  const cli = script(dir, 'aws', VERSION_SH);
  const plan = await selectIsolation({ mode: 'bwrap', cliPath: cli, pathEnv: PATH, hide: [join(dir, 'data'), '/nonexistent/policy.yaml'] });
  t.match(plan, { ok: true, value: { kind: 'bwrap', hidden: [{ path: join(dir, 'data'), dir: true }] } }, 'the data dir inside the CLI\'s dir is hidden; a missing path is not');
  if (plan.ok && plan.value.kind === 'bwrap') t.equal(plan.value.hidden.length, 1);
  // A CLI inside the data dir, with its interpreter in a parent: that bind would show the data dir, which is
  // then covered up, and with it the CLI.
  const inside = join(dir, 'data', 'cli');
  mkdirSync(inside);
  symlinkSync('/bin/sh', join(dir, 'sh'));
  const buried = script(inside, 'aws', VERSION_SH.replace('/bin/sh', join(dir, 'sh')));
  const refused = await selectIsolation({ mode: 'bwrap', cliPath: buried, pathEnv: PATH, hide: [join(dir, 'data')] });
  t.match(refused, { ok: false, issue: { code: 'ISOLATION_CLI_FAILS', message: /lies inside .*data, which it must not see/ } });
});
