import t from 'tap';
import { bwrapArgv, type BwrapSpec } from '@aws-guard/broker/exec/bwrap-argv';
import { sandboxIsolation, describeIsolation, type IsolationPlan } from '@aws-guard/broker/exec/isolation';

const SANDBOX = '/tmp/aws-guard-req-abc';
const spec = (over: Partial<BwrapSpec> = {}): BwrapSpec => ({ readOnly: ['/usr'], hidden: [], writable: [SANDBOX], readOnlyWithin: [], ...over });

/** The argv as [option, ...operands] groups, for readable assertions. */
const groups = (argv: readonly string[]): string[][] => {
  const arity: Record<string, number> = { '--ro-bind': 2, '--bind': 2, '--tmpfs': 1, '--proc': 1, '--dev': 1, '--chdir': 1, '--cap-drop': 1 };
  const out: string[][] = [];
  for (let i = 0; i < argv.length; ) {
    const n = arity[argv[i]!] ?? 0;
    out.push(argv.slice(i, i + 1 + n));
    i += 1 + n;
  }
  return out;
};
const index = (argv: readonly string[], ...group: string[]) => groups(argv).findIndex((g) => g.join('\0') === group.join('\0'));

t.test('every run gets its own pid and IPC namespace, dies with the broker, and has no capabilities', async (t) => {
  const argv = bwrapArgv(spec(), `${SANDBOX}/home`);
  for (const flag of [['--unshare-pid'], ['--unshare-ipc'], ['--die-with-parent'], ['--cap-drop', 'ALL']]) t.ok(index(argv, ...flag) >= 0, flag.join(' '));
  t.equal(index(argv, '--new-session'), -1, 'no second session: the CLI stays in the process group a stop signals');
  t.equal(index(argv, '--unshare-net'), -1, 'the network is shared: the CLI must reach AWS and the loopback endpoint');
  t.equal(index(argv, '--unshare-all'), -1);
  t.notOk(argv.some((a) => a === '--setenv' || a === '--clearenv'), 'the environment is spawn\'s: credentials never reach a command line');
  t.notOk(argv.includes('--'), 'run-aws-cli appends `--` and the command');
});

// [what, spec, cwd, groups that must appear, in this order]
const cases: Array<[string, Partial<BwrapSpec>, string, string[][]]> = [
  ['a fresh /proc, /dev and /tmp come before every bind', { readOnly: ['/usr', '/tmp/cli'] }, `${SANDBOX}/home`,
    [['--proc', '/proc'], ['--dev', '/dev'], ['--tmpfs', '/tmp'], ['--ro-bind', '/usr', '/usr'], ['--ro-bind', '/tmp/cli', '/tmp/cli']]],
  ['read-only binds keep their host path', { readOnly: ['/usr', '/etc/ssl', '/root/.pyenv/versions/3.11.7'] }, `${SANDBOX}/home`,
    [['--ro-bind', '/usr', '/usr'], ['--ro-bind', '/etc/ssl', '/etc/ssl'], ['--ro-bind', '/root/.pyenv/versions/3.11.7', '/root/.pyenv/versions/3.11.7']]],
  ['a hidden dir gets an empty tmpfs after the bind that covers it', { readOnly: ['/opt/aws'], hidden: [{ path: '/opt/aws/data', dir: true }] }, `${SANDBOX}/home`,
    [['--ro-bind', '/opt/aws', '/opt/aws'], ['--tmpfs', '/opt/aws/data']]],
  ['a hidden file is covered by /dev/null', { readOnly: ['/usr'], hidden: [{ path: '/usr/local/etc/policy.yaml', dir: false }] }, `${SANDBOX}/home`,
    [['--ro-bind', '/usr', '/usr'], ['--ro-bind', '/dev/null', '/usr/local/etc/policy.yaml']]],
  ['the sandbox is bound writable at its own path after the hiding, its etc/ read-only after it', { hidden: [{ path: '/usr/tmp', dir: true }], readOnlyWithin: [`${SANDBOX}/etc`] }, `${SANDBOX}/home`,
    [['--tmpfs', '/usr/tmp'], ['--bind', SANDBOX, SANDBOX], ['--ro-bind', `${SANDBOX}/etc`, `${SANDBOX}/etc`], ['--chdir', `${SANDBOX}/home`]]],
  ['the cwd may be the sandbox root itself', {}, SANDBOX, [['--bind', SANDBOX, SANDBOX], ['--chdir', SANDBOX]]],
  ['agent-view binds come after the sandbox, then the chdir to the agent cwd',
    { readOnlyWithin: [`${SANDBOX}/etc`], mounts: [{ from: `${SANDBOX}/mirror/data`, to: '/data' }, { from: `${SANDBOX}/work`, to: '/home/agent/p' }], chdir: '/home/agent/p' }, `${SANDBOX}/work`,
    [['--bind', SANDBOX, SANDBOX], ['--ro-bind', `${SANDBOX}/etc`, `${SANDBOX}/etc`], ['--bind', `${SANDBOX}/mirror/data`, '/data'], ['--bind', `${SANDBOX}/work`, '/home/agent/p'], ['--chdir', '/home/agent/p']]],
  ['a trailing slash is dropped', { readOnly: ['/usr/'] }, `${SANDBOX}/home/`, [['--ro-bind', '/usr', '/usr'], ['--chdir', `${SANDBOX}/home`]]],
];

t.test('binds are emitted in the order bwrap must apply them', async (t) => {
  for (const [what, over, cwd, expected] of cases) {
    const argv = bwrapArgv(spec(over), cwd);
    const at = expected.map((g) => index(argv, ...g));
    t.ok(at.every((i) => i >= 0), `${what}: all present (${JSON.stringify(at)})`);
    t.same([...at].sort((a, b) => a - b), at, `${what}: in order`);
    t.equal(groups(argv).at(-1)?.[0], '--chdir', `${what}: --chdir last`);
  }
});

t.test('nothing is bound that the spec does not name', async (t) => {
  const argv = bwrapArgv(spec({ readOnly: ['/usr', '/etc/resolv.conf'] }), `${SANDBOX}/home`);
  const bound = groups(argv).filter((g) => g[0] === '--ro-bind' || g[0] === '--bind').map((g) => g[2]);
  t.same(bound, ['/usr', '/etc/resolv.conf', SANDBOX]);
  t.notOk(argv.some((a) => a === '/' || a === '/root' || a === '/etc'), 'never the root, /root or all of /etc');
});

const refused: Array<[string, Partial<BwrapSpec>, string]> = [
  ['a relative read-only path', { readOnly: ['usr'] }, `${SANDBOX}/home`],
  ['a path with ..', { readOnly: ['/usr/../root'] }, `${SANDBOX}/home`],
  ['a relative hidden path', { hidden: [{ path: 'data', dir: true }] }, `${SANDBOX}/home`],
  ['a NUL in a path', { writable: [`${SANDBOX}\0x`] }, `${SANDBOX}/home`],
  ['a cwd outside the sandbox', {}, '/root'],
  ['a cwd that only shares a prefix with the sandbox', {}, `${SANDBOX}-other/home`],
  ['a read-only path inside the sandbox that is not in it', { readOnlyWithin: ['/etc'] }, `${SANDBOX}/home`],
  // Agent-chosen bind targets (files/agent-view.ts decides; this is the second check).
  ['a bind over a system dir', { mounts: [{ from: `${SANDBOX}/mirror/usr/lib`, to: '/usr/lib' }] }, `${SANDBOX}/home`],
  ['a bind over an ancestor of a system dir', { mounts: [{ from: `${SANDBOX}/mirror`, to: '/' }] }, `${SANDBOX}/home`],
  ['a bind that would cover the sandbox', { mounts: [{ from: `${SANDBOX}/mirror/tmp`, to: '/tmp' }] }, `${SANDBOX}/home`],
  ['a bind inside the sandbox', { mounts: [{ from: `${SANDBOX}/work`, to: `${SANDBOX}/etc` }] }, `${SANDBOX}/home`],
  ['a bind over the hidden data dir', { hidden: [{ path: '/var/lib/aws-guard', dir: true }], mounts: [{ from: `${SANDBOX}/mirror/var`, to: '/var' }] }, `${SANDBOX}/home`],
  ['a bind from outside the sandbox', { mounts: [{ from: '/root', to: '/home/agent' }] }, `${SANDBOX}/home`],
  ['a bind onto /proc', { mounts: [{ from: `${SANDBOX}/work`, to: '/proc/self' }] }, `${SANDBOX}/home`],
  ['a chdir outside every bind', { chdir: '/home/agent/p' }, `${SANDBOX}/home`],
];

t.test('paths that bwrap would misread are refused, not passed on', async (t) => {
  for (const [what, over, cwd] of refused) t.throws(() => bwrapArgv(spec(over), cwd), TypeError, what);
});

t.test('sandboxIsolation binds the request sandbox writable and its config read-only', async (t) => {
  const plan: IsolationPlan = { kind: 'bwrap', bwrapPath: '/usr/bin/bwrap', bwrapVersion: '0.8.0', readOnly: ['/usr'], hidden: [] };
  const paths = { root: SANDBOX, home: `${SANDBOX}/home`, work: `${SANDBOX}/work`, files: `${SANDBOX}/files`, tmp: `${SANDBOX}/tmp`, configFile: `${SANDBOX}/etc/config`, credentialsFile: `${SANDBOX}/etc/credentials` };
  t.same(sandboxIsolation(plan, paths), { kind: 'bwrap', bwrapPath: '/usr/bin/bwrap', readOnly: ['/usr'], hidden: [], writable: [SANDBOX], readOnlyWithin: [`${SANDBOX}/etc`], mounts: [], chdir: null });
  const view = { cwd: '/home/agent/p', mounts: [{ from: `${SANDBOX}/work`, to: '/home/agent/p' }] };
  t.match(sandboxIsolation(plan, paths, view), { mounts: view.mounts, chdir: '/home/agent/p' }, "with an agent view: its binds and the agent's cwd");
  t.same(sandboxIsolation({ kind: 'none', reason: 'configured' }, paths), { kind: 'none' });
  t.match(describeIsolation(plan), /^bwrap 0\.8\.0 \(\/usr\/bin\/bwrap\)/);
  t.equal(describeIsolation({ kind: 'none', reason: 'bwrap not found on PATH' }), 'none (bwrap not found on PATH)');
});
