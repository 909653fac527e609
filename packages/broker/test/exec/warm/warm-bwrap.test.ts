// The warm executor under bubblewrap: each fork gets the layout a spawned `bwrap … -- aws` gets, in namespaces of
// its own, with no capability left. From inside a command: another concurrent command's processes, environment
// and sandbox, the broker's data dir, the worker's files, capabilities, ptrace, signals and fds are out of reach.
import t from 'tap';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runAwsCli } from '@aws-guard/broker/exec/run-aws-cli';
import { sandboxIsolation, type ExecIsolation, type IsolationPlan } from '@aws-guard/broker/exec/isolation';
import { selectIsolation } from '@aws-guard/broker/exec/select-isolation';
import { createWarmPool } from '@aws-guard/broker/exec/warm/warm-pool';
import { workerScript } from '@aws-guard/broker/exec/warm/worker-script';
import { createSandbox, type Sandbox } from '@aws-guard/broker/exec/create-sandbox';
import { resolvePythonCli, runIn, type RunFn } from './warm-fixture.js';
import { descendants, isGone } from '../../../../../test/helpers/process-tree.js';

const { cli, python } = await resolvePythonCli();
const dir = mkdtempSync(join(tmpdir(), 'aws-guard-warm-bwrap-test-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
// The broker's data dir, with a canary, hidden as the broker hides it.
const dataDir = mkdtempSync(join(tmpdir(), 'aws-guard-data-'));
writeFileSync(join(dataDir, 'canary.json'), `{"canary": "${randomBytes(8).toString('hex')}"}`);
t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));

const selected = await selectIsolation({ mode: 'bwrap', cliPath: cli.path, pathEnv: process.env['PATH'] ?? '', hide: [dataDir] });
if (!selected.ok || selected.value.kind !== 'bwrap') throw new Error(`bwrap is needed here: ${JSON.stringify(selected)}`);
// The probe stands in for the CLI: its directory is bound read-only as the CLI's installation is.
const plan: IsolationPlan = { ...selected.value, readOnly: [...selected.value.readOnly, dir] };
const probe = join(dir, 'probe-aws');
writeFileSync(probe, `#!${python}\n${readFileSync(join(dirname(fileURLToPath(import.meta.url)), 'warm-bwrap-probe.py'), 'utf8')}`);
chmodSync(probe, 0o755);
const sleeper = join(dir, 'sleep-aws');
writeFileSync(sleeper, `#!${python}\nimport subprocess, time\nsubprocess.Popen(['sleep', '300'])\nprint('started', flush=True)\ntime.sleep(300)\n`);
chmodSync(sleeper, 0o755);

const pool = createWarmPool({ python, script: workerScript(), cliPath: cli.path, size: 2, isolation: plan, log: () => undefined });
t.teardown(pool.close);
if ((await pool.ready) !== 2) throw new Error('the warm workers did not start under bwrap');

type Seen = {
  caps: Record<string, string>; pid: number; ppid: number; procs: number[]; seen: Record<string, boolean>;
  environ: Record<string, string>; kill: Record<string, string>; ptrace: Record<string, string>; unshare: string; mount: string;
  fds: number[]; ns: Record<string, string>; root: string[]; dev: string[]; tmp: string[]; shm: string[]; writes: Record<string, string>; key: string;
};
const isolated = (over: (s: Sandbox) => object = () => ({})) => (s: Sandbox) => ({ isolation: sandboxIsolation(plan, s), ...over(s) });
const see = async (run: RunFn, arg: object, over?: (s: Sandbox) => object): Promise<Seen> => {
  const r = await runIn(run, probe, ['probe', JSON.stringify(arg)], { over: isolated(over) });
  if (r.outcome.exitCode !== 0) throw new Error(`probe failed (${r.outcome.exitCode}): ${r.stderr.toString()}`);
  return JSON.parse(r.stdout.toString()) as Seen;
};

t.test('no capability is left, in any set, although the worker runs as root with CAP_SYS_ADMIN', async (t) => {
  const s = await see(pool.run, { tag: 'caps' });
  t.same(s.caps, { CapInh: '0000000000000000', CapPrm: '0000000000000000', CapEff: '0000000000000000', CapBnd: '0000000000000000', CapAmb: '0000000000000000', NoNewPrivs: '1' });
  t.equal(s.unshare, 'EPERM', 'cannot make a namespace');
  t.equal(s.mount, 'EPERM', 'cannot mount');
});

t.test('the layout is the spawned bwrap one: same root, /dev, read-only and writable paths, hidden data dir', async (t) => {
  const paths = [dataDir, join(dataDir, 'canary.json'), dirname(workerScript()), workerScript(), '/etc/passwd', '/home', '/var', process.cwd()];
  const writes = ['/usr/x', '/etc/x'];
  const over = (s: Sandbox) => ({ env: { PATH: '/usr/bin:/bin', HOME: s.home } });
  const warm = await see(pool.run, { tag: 'layout', paths, writes: [...writes, '/x'] }, over);
  const spawned = await see(runAwsCli, { tag: 'layout', paths, writes: [...writes, '/x'] }, over);
  for (const p of paths) t.equal(warm.seen[p], false, `${p} does not exist inside`);
  t.same(warm.seen, spawned.seen);
  t.same(warm.root, spawned.root, 'ls /');
  t.same(warm.dev, spawned.dev, 'ls /dev');
  t.same(warm.tmp.filter((n) => n.startsWith('aws-guard-req-')).length, 1, 'only its own sandbox in /tmp');
  t.same(warm.tmp.length, spawned.tmp.length);
  t.same(warm.writes, spawned.writes, 'the same paths are writable');
  t.equal(warm.writes['/usr/x'], 'EROFS');
  t.same([warm.pid, warm.ppid], [spawned.pid, spawned.ppid], 'the CLI is pid 2 below an init, as under bwrap');
  t.same(warm.procs, spawned.procs, 'it sees only its own namespace\'s processes');
});

t.test('a concurrent command: its processes, environment, sandbox and files are out of reach', async (t) => {
  const until = join(dir, `release-${randomBytes(4).toString('hex')}`);
  let holderSandbox = '';
  const holding = runIn(pool.run, probe, ['hold', JSON.stringify({ seconds: 60, until })], {
    credentials: { accessKeyId: 'AKIAHOLDERHOLDERXXXX', secretAccessKey: 'holder-secret' },
    over: isolated((s) => {
      holderSandbox = s.root;
      return {};
    }),
    onStart: (running) => void running.started.then((pid) => (holderPid = pid ?? 0)),
  });
  let holderPid = 0;
  for (let i = 0; i < 100 && (holderPid === 0 || descendants(holderPid).length < 2); i++) await new Promise((r) => setTimeout(r, 100));
  t.ok(holderPid > 0, 'the holder runs');
  const tree = [holderPid, ...descendants(holderPid)];
  const s = await see(pool.run, { tag: 'prober', pids: [...tree, 1], paths: [holderSandbox, join(holderSandbox, 'work'), join(holderSandbox, 'etc', 'credentials')] });
  for (const p of tree) {
    t.equal(s.environ[String(p)], 'ENOENT', `the holder's host pid ${p}: no /proc entry`);
    t.equal(s.kill[String(p)], 'ESRCH', `pid ${p} cannot be signalled`);
    t.equal(s.ptrace[String(p)], 'ESRCH', `pid ${p} cannot be traced`);
  }
  t.equal(s.environ['1'], 'EACCES', 'its own init\'s environment cannot be read');
  t.equal(s.ptrace['1'], 'EPERM', 'its own init cannot be traced');
  for (const p of Object.keys(s.seen)) t.equal(s.seen[p], false, `${p} does not exist for it`);
  t.not(s.key, 'AKIAHOLDERHOLDERXXXX');
  writeFileSync(until, '');
  const held = await holding;
  t.equal(held.outcome.exitCode, 0, 'the holder was not disturbed');
  t.equal(held.stdout.toString(), 'held AKIAHOLDERHOLDERXXXX\n');
  for (const p of tree) t.ok(isGone(p), `${p} ended`);
});

t.test('two concurrent commands live in distinct namespaces', async (t) => {
  const [a, b] = await Promise.all([see(pool.run, { tag: 'a' }), see(pool.run, { tag: 'b' })]);
  for (const ns of ['mnt', 'pid', 'ipc']) t.not(a.ns[ns], b.ns[ns], ns);
});

t.test('nothing one command writes to /tmp, /dev/shm or / is seen by the next', async (t) => {
  await see(pool.run, { tag: 'first', writes: ['/planted-root'] });
  const next = await see(pool.run, { tag: 'next', paths: ['/planted-root', '/tmp/planted-first', '/dev/shm/planted-first'] });
  t.same(next.seen, { '/planted-root': false, '/tmp/planted-first': false, '/dev/shm/planted-first': false });
  t.same(next.shm, []);
});

t.test('the fork holds only its stdio', async (t) => {
  const s = await see(pool.run, { tag: 'fds' });
  t.same(s.fds, [0, 1, 2, 3], 'stdio and the fd listdir used');
});

t.test('credentials reach the command, and only through the environment', async (t) => {
  const s = await runIn(pool.run, probe, ['probe', JSON.stringify({ tag: 'key' })], { credentials: { accessKeyId: 'AKIAOWNOWNOWNOWN0000', secretAccessKey: 'x' }, over: isolated() });
  t.equal((JSON.parse(s.stdout.toString()) as Seen).key, 'AKIAOWNOWNOWNOWN0000');
});

t.test('a request without bwrap is never run by a worker under bwrap: it is spawned as asked', async (t) => {
  const r = await runIn(pool.run, probe, ['probe', JSON.stringify({ tag: 'plain' })]);
  const s = JSON.parse(r.stdout.toString()) as Seen;
  t.not(s.caps['CapEff'], '0000000000000000', 'spawned unconfined, as the request said (a test runs as root)');
});

t.test('a bind the agent chose that would cover a needed path is refused before anything runs', async (t) => {
  await t.rejects(runIn(pool.run, probe, ['probe', '{}'], { over: isolated((s) => ({ isolation: { ...sandboxIsolation(plan, s), mounts: [{ from: s.work, to: '/usr/lib' }] } })) }), /would cover/);
});

t.test('the fork itself refuses a layout that would show another request\'s sandbox, whatever the broker sent', async (t) => {
  const other = await createSandbox('us-east-1');
  t.teardown(other.remove);
  const layouts: { name: string; change: (i: ExecIsolation & { kind: 'bwrap' }) => ExecIsolation }[] = [
    { name: 'read-only', change: (i) => ({ ...i, readOnly: [...i.readOnly, other.root] }) },
    { name: 'writable', change: (i) => ({ ...i, writable: [...i.writable, other.root] }) },
  ];
  for (const l of layouts) {
    const r = await runIn(pool.run, probe, ['probe', '{}'], { over: (s) => ({ isolation: l.change(sandboxIsolation(plan, s) as ExecIsolation & { kind: 'bwrap' }) }) });
    t.equal(r.outcome.exitCode, 255, `${l.name}: nothing ran`);
    t.equal(r.stdout.length, 0, `${l.name}: no output`);
    t.match(r.stderr.toString(), `aws-guard: warm sandbox: bind source ${other.root} is outside the request sandbox`, l.name);
  }
});

for (const how of ['stop', 'timeout'] as const) {
  t.test(`${how} kills everything the command started, namespace and all`, async (t) => {
    let tree: number[] = [];
    const r = await runIn(pool.run, sleeper, [], {
      over: isolated(() => (how === 'timeout' ? { timeoutMs: 2500 } : {})),
      onStart: (running) => {
        void running.started.then(async (pid) => {
          await new Promise((r) => setTimeout(r, 2000));
          tree = [pid!, ...descendants(pid!)];
          if (how === 'stop') running.stop('cancelled');
        });
      },
    });
    t.equal(r.stdout.toString(), 'started\n');
    t.equal(r.outcome.reason, how === 'stop' ? 'cancelled' : 'timeout');
    t.ok(tree.length >= 4, `outer, init, CLI and its sleep: ${tree.join(',')}`);
    await new Promise((r) => setTimeout(r, 200));
    for (const p of tree) t.ok(isGone(p), `${p} is gone`);
  });
}

t.test('exit codes pass through as under a spawned bwrap', async (t) => {
  const exiter = join(dir, 'exit-aws');
  writeFileSync(exiter, `#!${python}\nimport os, signal, sys\nif sys.argv[1] == 'kill':\n    os.kill(os.getpid(), signal.SIGKILL)\nsys.exit(int(sys.argv[1]))\n`);
  chmodSync(exiter, 0o755);
  for (const code of ['0', '1', '2', '130', '252', '255', 'kill']) {
    const warm = await runIn(pool.run, exiter, [code], { over: isolated() });
    const spawned = await runIn(runAwsCli, exiter, [code], { over: isolated() });
    t.equal(warm.outcome.exitCode, spawned.outcome.exitCode, `exit ${code}`);
    t.equal(warm.outcome.reason, spawned.outcome.reason, `reason ${code}`);
  }
});

t.test('a command whose worker dies ends killed, its namespace and everything in it gone', async (t) => {
  let tree: number[] = [];
  const r = await runIn(pool.run, sleeper, [], {
    over: isolated(),
    onStart: (running) => {
      void running.started.then(async (pid) => {
        await new Promise((r) => setTimeout(r, 2000));
        tree = [pid!, ...descendants(pid!)];
        const worker = pool.workers().find((w) => w !== undefined && descendants(w).includes(pid!));
        process.kill(worker!, 'SIGKILL');
      });
    },
  });
  t.equal(r.outcome.reason, 'killed');
  t.ok(tree.length >= 4, `outer, init, CLI and its sleep: ${tree.join(',')}`);
  await new Promise((r) => setTimeout(r, 500));
  for (const p of tree) t.ok(isGone(p), `${p} is gone`);
});
