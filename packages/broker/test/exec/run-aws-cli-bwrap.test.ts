// The real CLI under bubblewrap, through runAwsCli exactly as the broker runs it: a path that slipped past the
// parser still cannot reach the broker's files, ordinary commands still work, and a stop still kills everything.
import t from 'tap';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAwsCli, type ExecOutcome, type ExecRequest } from '@aws-guard/broker/exec/run-aws-cli';
import { createSandbox, type Sandbox } from '@aws-guard/broker/exec/create-sandbox';
import { sandboxEnv } from '@aws-guard/broker/exec/sandbox-env';
import { sandboxIsolation, type ExecIsolation, type IsolationPlan } from '@aws-guard/broker/exec/isolation';
import { selectIsolation } from '@aws-guard/broker/exec/select-isolation';
import { resolveAwsCli } from '@aws-guard/broker/exec/resolve-aws-cli';
import { startMoto } from '../../../../test/helpers/moto.js';
import { FIXTURES, ROOT } from '../../../../test/helpers/paths.js';
import { descendants, isGone } from '../../../../test/helpers/process-tree.js';

const PATH = process.env['PATH'] ?? '';
const cli = await resolveAwsCli(undefined, PATH);
if (!cli.ok) throw new Error(`${cli.issue.message} (this test needs the real AWS CLI: pip install awscli)`);
const CLI = cli.value.path;

// The broker's data dir, with a canary that looks like JSON: the CLI echoes unparseable JSON it loaded.
const dataDir = mkdtempSync(join(tmpdir(), 'aws-guard-data-'));
const secret = `CANARY-${randomBytes(8).toString('hex')}`;
const canary = join(dataDir, 'canary.json');
writeFileSync(canary, `{"canary": ${secret}}\n`);
t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));

const selected = await selectIsolation({ mode: 'bwrap', cliPath: CLI, pathEnv: PATH, hide: [dataDir] });
if (!selected.ok || selected.value.kind !== 'bwrap') throw new Error(`bwrap is needed here (apt-get install bubblewrap): ${JSON.stringify(selected)}`);
const plan: IsolationPlan & { kind: 'bwrap' } = selected.value;

const moto = await startMoto();
t.teardown(moto.stop);

type Run = { outcome: ExecOutcome; stdout: string; stderr: string };
const exec = async (args: string[], isolated: boolean, over: (s: Sandbox) => Partial<ExecRequest> = () => ({})): Promise<Run> => {
  const sandbox = await createSandbox('us-east-1');
  try {
    const out = { stdout: '', stderr: '' };
    const outcome = await runAwsCli(
      {
        cliPath: CLI,
        // The trusted endpoint leads, as run-command.ts puts it.
        args: ['--endpoint-url', moto.url, ...args],
        env: sandboxEnv({ paths: sandbox, credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, forwarded: {}, columns: undefined }),
        cwd: sandbox.home,
        readsStdin: false,
        timeoutMs: 60_000,
        maxOutputBytes: 16 * 1024 * 1024,
        killGraceMs: 2000,
        isolation: isolated ? sandboxIsolation(plan, sandbox) : { kind: 'none' },
        ...over(sandbox),
      },
      (stream, chunk) => void (out[stream] += chunk.toString()),
    ).done;
    return { outcome, ...out };
  } finally {
    await sandbox.remove();
  }
};

// Paths the parser should have refused, as if one slipped through: [argv after the endpoint]
const slipped: Array<[string, string[]]> = [
  ['file:// absolute, a structure the CLI echoes', ['s3api', 'put-bucket-tagging', '--bucket', 'guard-canary', '--tagging', `file://${canary}`]],
  ['fileb:// absolute', ['s3api', 'put-bucket-tagging', '--bucket', 'guard-canary', '--tagging', `fileb://${canary}`]],
  ['a string parameter sent to AWS', ['s3api', 'put-bucket-policy', '--bucket', 'guard-canary', '--policy', `file://${canary}`]],
  ['relative, climbing out of the sandbox', ['s3api', 'put-bucket-tagging', '--bucket', 'guard-canary', '--tagging', `file://../../${dataDir.split('/').at(-1)}/canary.json`]],
];

t.test('without isolation a slipped path leaks the canary: the control for the test below', async (t) => {
  const run = await exec(slipped[0]![1], false);
  t.match(run.stderr, secret, 'the CLI echoes what it loaded');
});

t.test('with bwrap a path that slipped past the parser cannot read the broker\'s data dir', async (t) => {
  for (const [what, args] of slipped) {
    const run = await exec(args, true);
    t.not(run.outcome.exitCode, 0, `${what}: fails`);
    t.notMatch(run.stdout + run.stderr, secret, `${what}: the canary does not appear`);
    t.match(run.stderr, /Unable to load paramfile .*No such file or directory/, `${what}: the file does not exist in there`);
  }
});

t.test('a plain sts get-caller-identity works under bwrap against the emulator', async (t) => {
  const run = await exec(['sts', 'get-caller-identity'], true);
  t.equal(run.outcome.exitCode, 0, run.stderr);
  t.match(JSON.parse(run.stdout), { Account: /^\d{12}$/, Arn: /^arn:aws:/ });
});

t.test('an s3 round trip inside the sandbox works: the CLI reads and writes its own home', async (t) => {
  const run = await exec(['s3api', 'create-bucket', '--bucket', 'guard-roundtrip'], true);
  t.equal(run.outcome.exitCode, 0, run.stderr);
  const put = await exec(['s3', 'cp', '-', 's3://guard-roundtrip/k.txt'], true, () => ({ readsStdin: false }));
  t.not(put.outcome.reason, 'spawn-failed');
  const ls = await exec(['s3api', 'list-objects-v2', '--bucket', 'guard-roundtrip'], true);
  t.equal(ls.outcome.exitCode, 0, ls.stderr);
});

// What a process inside sees: a shell fake (a node one would need the loader tap adds to NODE_OPTIONS).
t.test('inside, only system dirs, the CLI\'s installation and the sandbox exist; nothing is writable but the sandbox', async (t) => {
  const dir = t.testdir({});
  const probe = join(dir, 'probe-aws');
  writeFileSync(probe, [
    '#!/bin/sh',
    'for p in "$@"; do if [ -e "$p" ]; then echo "seen $p"; else echo "unseen $p"; fi; done',
    'touch /usr/x 2>/dev/null && echo "wrote /usr"',
    'echo x >> "$AWS_CONFIG_FILE" 2>/dev/null && echo "wrote config"',
    'echo x > "$HOME/out" && echo "wrote home"',
    'echo x > "$TMPDIR/out" && echo "wrote tmpdir"',
    'grep CapEff /proc/self/status',
    'echo "ls / = $(ls / | tr "\\n" " ")"',
  ].join('\n'));
  chmodSync(probe, 0o755);
  const needed = [...plan.readOnly, dir];
  // All of these exist on the host; /root itself exists inside only as the path down to the Python prefix.
  const unseen = [dataDir, canary, '/root/.bashrc', join(ROOT, 'package.json'), '/etc/shadow', '/etc/passwd', '/home', '/var', '/srv', '/opt', '/proc/1/root/root/.bashrc'];
  for (const p of unseen.slice(0, -1)) t.ok(existsSync(p), `${p} exists on the host`);
  const run = await exec(unseen, true, (s) => ({ cliPath: probe, args: unseen, isolation: { ...sandboxIsolation({ ...plan, readOnly: needed }, s) } }));
  t.equal(run.outcome.exitCode, 0, run.stderr);
  for (const p of unseen) t.match(run.stdout, `unseen ${p}\n`, p);
  t.notMatch(run.stdout, 'wrote /usr', 'system dirs are read-only');
  t.notMatch(run.stdout, 'wrote config', 'the broker-owned config is read-only');
  t.match(run.stdout, 'wrote home');
  t.match(run.stdout, 'wrote tmpdir');
  t.match(run.stdout, /CapEff:\s+0+\n/, 'no capabilities, although bwrap runs as root here');
});

const gone = isGone;
const allGone = async (pids: number[]): Promise<number[]> => {
  for (let i = 0; i < 100 && pids.some((p) => !gone(p)); i++) await new Promise((r) => setTimeout(r, 50));
  return pids.filter((p) => !gone(p));
};
const within = (done: Promise<ExecOutcome>, ms: number): Promise<ExecOutcome | 'HUNG'> => {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([done, new Promise<'HUNG'>((r) => (timer = setTimeout(() => r('HUNG'), ms)))]).finally(() => clearTimeout(timer));
};

/** sleepy-aws under bwrap; resolves once it printed its pids, with every host pid of its tree. */
const startSleepy = async (args: string[], killGraceMs: number) => {
  const sandbox = await createSandbox(undefined);
  t.teardown(sandbox.remove);
  // tap puts its loader (under node_modules) into every child's NODE_OPTIONS: node inside must find it.
  const isolation: ExecIsolation = sandboxIsolation({ ...plan, readOnly: [...plan.readOnly, join(FIXTURES, 'fake-aws'), join(ROOT, 'node_modules')] }, sandbox);
  let text = '';
  let printed: () => void = () => undefined;
  const ready = new Promise<void>((r) => (printed = r));
  const running = runAwsCli(
    { cliPath: join(FIXTURES, 'fake-aws', 'sleepy-aws'), args, env: { PATH: '/usr/bin:/bin', HOME: sandbox.home }, cwd: sandbox.home, readsStdin: false, timeoutMs: 120_000, maxOutputBytes: 1 << 20, killGraceMs, isolation },
    (_s, chunk) => {
      text += chunk.toString();
      if (/child \d+\n/.test(text)) printed();
    },
  );
  const early = running.done.then((o) => { throw new Error(`sleepy-aws ended early: ${JSON.stringify(o)} ${text}`); });
  await Promise.race([ready, early]);
  const tree = [running.pid!, ...descendants(running.pid!)];
  return { running, tree, text };
};

t.test('a stop kills the bwrap\'d CLI and its children, though their pids live in another namespace', async (t) => {
  const { running, tree, text } = await startSleepy([], 2000);
  t.match(text, /^pid \d+\nchild \d+\n/);
  t.ok(tree.length >= 4, `bwrap, its pid-1, node and sleep: ${tree.join(' ')}`);
  running.stop('cancelled');
  t.match(await running.done, { reason: 'cancelled' });
  t.same(await allGone(tree), [], 'every process of the tree is gone');
});

t.test('a CLI that ignores SIGTERM does not outlive bwrap', async (t) => {
  // The grace period is long: the CLI goes with bwrap's pid namespace, not with the SIGKILL after it.
  const { running, tree } = await startSleepy(['--ignore-sigterm'], 60_000);
  running.stop('cancelled');
  const outcome = await within(running.done, 20_000);
  t.not(outcome, 'HUNG', 'done resolves without waiting for the grace period');
  t.same(await allGone(tree), [], 'every process of the tree is gone');
  if (outcome === 'HUNG') running.stop('timeout');
});

t.test('killing bwrap alone takes the whole sandbox with it (--die-with-parent, pid namespace)', async (t) => {
  const { running, tree } = await startSleepy(['--ignore-sigterm'], 60_000);
  process.kill(running.pid!, 'SIGKILL');
  t.not(await within(running.done, 20_000), 'HUNG');
  t.same(await allGone(tree), [], 'the CLI and its child did not survive bwrap');
});
