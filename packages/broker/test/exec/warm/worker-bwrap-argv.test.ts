// The warm worker's bwrap options, as a table: what it keeps (two capabilities, the host's pid namespace) and
// what it sees (the plan's binds and hidden paths, the sandboxes' parent, its sockets and script), in order.
import t from 'tap';
import { workerBwrapArgv, WORKER_NEW_ROOT } from '@aws-guard/broker/exec/warm/worker-bwrap-argv';
import type { IsolationPlan } from '@aws-guard/broker/exec/isolation';

const plan: IsolationPlan & { kind: 'bwrap' } = {
  kind: 'bwrap', bwrapPath: '/usr/bin/bwrap', bwrapVersion: '0.8.0',
  readOnly: ['/usr', '/etc/ssl', '/opt/aws'], hidden: [{ path: '/opt/aws/data', dir: true }, { path: '/opt/aws/policy.yaml', dir: false }],
};
const input = { plan, sandboxParent: '/tmp', socketDir: '/tmp/aws-guard-warm-x', script: '/srv/guard/python/aws_guard_worker.py' };
const joined = (argv: string[]) => `\0${argv.join('\0')}\0`;
const has = (argv: string[], ...group: string[]) => joined(argv).includes(`\0${group.join('\0')}\0`);

const cases: { name: string; uid: number; present: string[][]; absent: string[][] }[] = [
  {
    name: 'as root: only CAP_SYS_ADMIN and CAP_SETPCAP kept, no user namespace',
    uid: 0,
    present: [['--cap-drop', 'ALL', '--cap-add', 'CAP_SYS_ADMIN', '--cap-add', 'CAP_SETPCAP'], ['--unshare-ipc'], ['--die-with-parent']],
    absent: [['--unshare-user']],
  },
  {
    name: 'unprivileged: a user namespace holds those capabilities',
    uid: 1000,
    present: [['--unshare-user'], ['--cap-drop', 'ALL', '--cap-add', 'CAP_SYS_ADMIN', '--cap-add', 'CAP_SETPCAP']],
    absent: [],
  },
];
for (const c of cases) {
  t.test(c.name, async (t) => {
    const argv = workerBwrapArgv({ ...input, uid: c.uid });
    for (const g of c.present) t.ok(has(argv, ...g), g.join(' '));
    for (const g of c.absent) t.notOk(has(argv, ...g), `not ${g.join(' ')}`);
    t.notOk(argv.includes('--unshare-pid'), 'the host pid namespace: the pids it reports are the broker\'s');
    t.notOk(argv.some((a) => a === '--setenv' || a === '--clearenv' || a === '--'), 'options only, no environment');
  });
}

t.test('the layout: the plan\'s binds and hidden paths, then the worker\'s own, in order', async (t) => {
  const argv = workerBwrapArgv({ ...input, uid: 0 });
  const order = [
    ['--proc', '/proc'], ['--dev', '/dev'], ['--tmpfs', '/tmp'],
    ['--ro-bind', '/usr', '/usr'], ['--ro-bind', '/etc/ssl', '/etc/ssl'], ['--ro-bind', '/opt/aws', '/opt/aws'],
    ['--tmpfs', '/opt/aws/data'], ['--ro-bind', '/dev/null', '/opt/aws/policy.yaml'],
    ['--ro-bind', '/srv/guard/python', '/srv/guard/python'], ['--bind', '/tmp', '/tmp'],
    ['--bind', '/tmp/aws-guard-warm-x', '/tmp/aws-guard-warm-x'], ['--dir', WORKER_NEW_ROOT], ['--chdir', '/'],
  ];
  const at = order.map((g) => joined(argv).indexOf(`\0${g.join('\0')}\0`));
  for (const [i, g] of order.entries()) t.ok(at[i]! >= 0, g.join(' '));
  t.same(at, [...at].sort((a, b) => a - b), 'in this order');
});
