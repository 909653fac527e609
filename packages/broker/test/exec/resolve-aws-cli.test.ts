import t from 'tap';
import { chmodSync, mkdirSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SHIM_MARKER, resolveAwsCli } from '@aws-guard/broker/exec/resolve-aws-cli';

const V1 = 'aws-cli/1.45.11 Python/3.11.7 Linux/6.1.0-18-amd64 botocore/1.43.11';
const V2 = 'aws-cli/2.9.19 Python/3.11.2 Linux/6.1.0-18-amd64 source/x86_64.debian.12 prompt/off';

/** Writes an executable (mode 0755 unless given) and returns its path. */
const script = (path: string, body: string, mode = 0o755): string => {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, mode);
  return path;
};
/** A fake AWS CLI that answers --version on stdout (or stderr) with `text`. */
const fakeCli = (path: string, text: string, stream: 'stdout' | 'stderr' = 'stdout') =>
  script(path, `[ "$1" = --version ] && echo '${text}'${stream === 'stderr' ? ' >&2' : ''}\nexit 0`);
/** What the aws-guard bundle looks like: a node script carrying the marker near the top. */
const shimBundle = (path: string) => script(path, `// ${SHIM_MARKER}\necho 'aws-cli/9.9.9 I am the shim'`);

t.test('the version of v1 and v2 CLIs is parsed from what --version prints', async (t) => {
  const dir = t.testdir();
  const cases: Array<[string, string, 'stdout' | 'stderr', string, number]> = [
    ['v1', V1, 'stdout', '1.45.11', 1],
    ['v2', V2, 'stdout', '2.9.19', 2],
    ['v1 on an old Python, printing to stderr', 'aws-cli/1.18.69 Python/2.7.18 Linux/5.4 botocore/1.17.0', 'stderr', '1.18.69', 1],
  ];
  for (const [name, text, stream, version, major] of cases) {
    const cli = fakeCli(join(dir, name.replace(/\W+/g, '-'), 'aws'), text, stream);
    const r = await resolveAwsCli(cli, '');
    t.same(r, { ok: true, value: { path: realpathSync(cli), version, major, versionText: `${text}\n` } }, name);
    t.ok(r.ok && Object.isFrozen(r.value), `${name}: frozen`);
  }
});

t.test('output that is not an aws-cli version is CLI_VERSION_UNKNOWN', async (t) => {
  const dir = t.testdir();
  const cases: Array<[string, string]> = [
    ['garbage', 'echo "Python 3.11.7"'],
    ['a version not at the start', 'echo "the aws-cli/1.2.3"'],
    ['a failing --version', 'echo "aws-cli/1.2.3" ; exit 2'],
    ['nothing at all', 'exit 0'],
  ];
  for (const [name, body] of cases) {
    const r = await resolveAwsCli(script(join(dir, name.replace(/\W+/g, '-')), body), '');
    t.equal(r.ok ? 'ok' : r.issue.code, 'CLI_VERSION_UNKNOWN', name);
  }
});

t.test('--version runs with a clean environment, not the broker one', async (t) => {
  process.env['AWS_GUARD_TEST_PLANTED'] = 'leaked';
  t.teardown(() => delete process.env['AWS_GUARD_TEST_PLANTED']);
  const cli = script(join(t.testdir(), 'aws'), 'echo "aws-cli/1.0.0 planted=$AWS_GUARD_TEST_PLANTED home=$HOME"');
  const r = await resolveAwsCli(cli, '');
  t.equal(r.ok && r.value.versionText, 'aws-cli/1.0.0 planted= home=/nonexistent\n');
});

t.test('a configured CLI is used as given, and must be an executable', async (t) => {
  const dir = t.testdir();
  const configured = fakeCli(join(dir, 'opt', 'aws'), V2);
  const onPath = fakeCli(join(dir, 'bin', 'aws'), V1);
  const r = await resolveAwsCli(configured, join(dir, 'bin'));
  t.equal(r.ok && r.value.path, realpathSync(configured), 'PATH is not searched');
  t.not(realpathSync(onPath), realpathSync(configured));
  const plain = script(join(dir, 'plain', 'aws'), 'echo', 0o644);
  for (const [name, path] of [['a missing file', join(dir, 'nope', 'aws')], ['a file without x bit', plain]] as const) {
    const bad = await resolveAwsCli(path, join(dir, 'bin'));
    t.equal(bad.ok ? 'ok' : bad.issue.code, 'CLI_NOT_EXECUTABLE', name);
    t.match(bad.ok ? '' : bad.issue.message, path, `${name}: names the path`);
  }
});

t.test('a configured CLI that is the aws-guard shim is never run', async (t) => {
  const shim = shimBundle(join(t.testdir(), 'aws'));
  const r = await resolveAwsCli(shim, '');
  t.equal(r.ok ? r.value.path : r.issue.code, 'CLI_NOT_FOUND');
});

t.test('on PATH, the first aws that is not the aws-guard shim is chosen, by its real path', async (t) => {
  const dir = t.testdir();
  shimBundle(join(dir, 'shim', 'aws'));
  const bundle = shimBundle(join(dir, 'bundle', 'aws-guard'));
  mkdirSync(join(dir, 'linked'));
  symlinkSync(bundle, join(dir, 'linked', 'aws')); // what `aws-guard shim install` makes
  mkdirSync(join(dir, 'empty'));
  script(join(dir, 'noexec', 'aws'), 'echo', 0o644);
  const real = fakeCli(join(dir, 'python', 'bin', 'aws'), V1);
  mkdirSync(join(dir, 'real'));
  symlinkSync(real, join(dir, 'real', 'aws'));
  fakeCli(join(dir, 'later', 'aws'), V2);
  const PATH = ['shim', 'linked', 'empty', 'noexec', '', 'real', 'later'].map((d) => (d === '' ? '' : join(dir, d))).join(':');
  const r = await resolveAwsCli(undefined, PATH);
  t.same(r.ok && [r.value.path, r.value.major], [realpathSync(real), 1]);
});

t.test('no real CLI on PATH is CLI_NOT_FOUND with an install hint', async (t) => {
  const dir = t.testdir();
  shimBundle(join(dir, 'shim', 'aws'));
  mkdirSync(join(dir, 'empty'));
  for (const PATH of ['', join(dir, 'empty'), join(dir, 'shim'), `${join(dir, 'shim')}:${join(dir, 'empty')}`]) {
    const r = await resolveAwsCli(undefined, PATH);
    t.equal(r.ok ? 'ok' : r.issue.code, 'CLI_NOT_FOUND', JSON.stringify(PATH));
    t.match(r.ok ? '' : r.issue.message, /install/, 'says how to install it');
    t.match(r.ok ? '' : r.issue.message, /--aws-cli/, 'says how to point at one');
  }
});

/** A pyenv root whose `pyenv which aws` prints `answer` (and fails when answer is undefined). */
const pyenvRoot = (root: string, answer: string | undefined) => {
  script(join(root, 'libexec', 'pyenv'), answer === undefined
    ? 'echo "pyenv: aws: command not found" >&2; exit 127'
    : `[ "$1 $2" = "which aws" ] && [ "$PYENV_ROOT" = "${root}" ] && echo "${answer}" && exit 0\nexit 1`);
  // What pyenv writes into its shims (compare /root/.pyenv/shims/aws on a pyenv machine).
  return script(join(root, 'shims', 'aws'), [
    'set -e',
    'program="${0##*/}"',
    `export PYENV_ROOT="${root}"`,
    `exec "${root}/libexec/pyenv" exec "$program" "$@"`,
  ].join('\n'));
};

t.test('a pyenv shim on PATH resolves to the interpreter’s real aws', async (t) => {
  const dir = t.testdir();
  const real = fakeCli(join(dir, 'pyenv', 'versions', '3.11.7', 'bin', 'aws'), V1);
  const shim = pyenvRoot(join(dir, 'pyenv'), real);
  const r = await resolveAwsCli(undefined, join(dir, 'pyenv', 'shims'));
  t.same(r.ok && [r.value.path, r.value.version], [realpathSync(real), '1.45.11']);
  t.not(r.ok && r.value.path, shim, 'never the shim itself');
});

t.test('a pyenv shim given as --aws-cli resolves the same way', async (t) => {
  const dir = t.testdir();
  const real = fakeCli(join(dir, 'pyenv', 'versions', '3.12.0', 'bin', 'aws'), V2);
  const shim = pyenvRoot(join(dir, 'pyenv'), real);
  const r = await resolveAwsCli(shim, '');
  t.same(r.ok && [r.value.path, r.value.major], [realpathSync(real), 2]);
});

t.test('a pyenv shim whose pyenv has no aws is a value, not an exception', async (t) => {
  // `pyenv which aws` fails (exit 127) when the active Python has no awscli.
  const dir = t.testdir();
  pyenvRoot(join(dir, 'pyenv'), undefined);
  let result: unknown;
  await t.resolves(resolveAwsCli(undefined, join(dir, 'pyenv', 'shims')).then((r) => (result = r)));
  t.match(result, { ok: false });
});
