// The pool restarts a worker that dies, and a command runs meanwhile; the executor choice falls back to spawn
// (with a log line that says why) when the CLI is not a Python install, the interpreter lacks awscli, or the
// worker cannot start under bwrap.
import t from 'tap';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createWarmPool } from '@aws-guard/broker/exec/warm/warm-pool';
import { selectExecutor } from '@aws-guard/broker/exec/warm/select-executor';
import { workerScript } from '@aws-guard/broker/exec/warm/worker-script';
import { resolvePythonCli, runIn } from './warm-fixture.js';

const { cli, python } = await resolvePythonCli();
const dir = mkdtempSync(join(tmpdir(), 'aws-guard-warm-test-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
const none = { kind: 'none', reason: 'test' } as const;

const waitFor = async (what: () => boolean, ms = 30_000) => {
  for (const end = Date.now() + ms; Date.now() < end; await sleep(100)) if (what()) return true;
  return false;
};

t.test('a worker killed with SIGKILL is replaced, and commands run before and after', async (t) => {
  const logs: string[] = [];
  const pool = createWarmPool({ python, script: workerScript(), cliPath: cli.path, size: 1, log: (_l, m) => logs.push(m) });
  t.teardown(pool.close);
  t.equal(await pool.ready, 1);
  const before = pool.workers()[0]!;
  process.kill(before, 'SIGKILL');
  // Meanwhile (no worker ready) a command is spawned rather than kept waiting.
  const during = await runIn(pool.run, cli.path, ['--version']);
  t.equal(during.outcome.exitCode, 0);
  t.ok(await waitFor(() => pool.workers()[0] !== undefined && pool.workers()[0] !== before), 'a new worker is ready');
  const after = await runIn(pool.run, cli.path, ['--version']);
  t.equal(after.outcome.exitCode, 0);
  t.match(after.stdout.toString(), /^aws-cli\//);
  t.match(logs.join('\n'), /warm worker 0 ended \(SIGKILL\): restarting/);
});

t.test('started resolves with the fork\'s own pid, known after the call returns', async (t) => {
  const pool = createWarmPool({ python, script: workerScript(), cliPath: cli.path, size: 1, log: () => undefined });
  t.teardown(pool.close);
  t.equal(await pool.ready, 1);
  const worker = pool.workers()[0]!;
  let started: Promise<number | undefined> | undefined;
  const r = await runIn(pool.run, cli.path, ['--version'], { onStart: (running) => (started = running.started) });
  t.equal(r.outcome.exitCode, 0);
  const pid = await started;
  t.ok(Number.isInteger(pid) && pid !== worker && pid !== process.pid, `a pid of its own (${pid}), not the worker's (${worker})`);
});

t.test('a command in flight when its worker dies ends as killed, not hanging', async (t) => {
  const pool = createWarmPool({ python, script: workerScript(), cliPath: cli.path, size: 1, log: () => undefined });
  t.teardown(pool.close);
  t.equal(await pool.ready, 1);
  const hang = join(dir, 'hang-aws');
  writeFileSync(hang, `#!${python}\nimport time\ntime.sleep(300)\n`);
  chmodSync(hang, 0o755);
  const worker = pool.workers()[0]!;
  const r = await runIn(pool.run, hang, [], { onStart: () => setTimeout(() => process.kill(worker, 'SIGKILL'), 1000) });
  t.equal(r.outcome.reason, 'killed');
  t.equal(r.outcome.exitCode, 255);
  t.match(r.outcome.error, /warm worker w0 ended/);
});

t.test('auto: warm for the Python CLI here, with a line that says so', async (t) => {
  const executor = await selectExecutor({ mode: 'auto', workers: 1, cli, isolation: none, log: () => undefined });
  t.teardown(executor.close);
  t.equal(executor.kind, 'warm');
  t.match(executor.describe, /^warm \(1 worker, .*python.*awscli 1?\d*\.\d+\.\d+/);
});

t.test('fallbacks to spawn, each with its reason', async (t) => {
  const badPython = join(dir, 'bad-python-aws');
  // A Python that has no awscli (isolated mode, no site-packages): the probe cannot import it.
  writeFileSync(badPython, `#!/usr/bin/python3 -I\nimport awscli.clidriver\n`);
  chmodSync(badPython, 0o755);
  const frozen = join(dir, 'frozen-aws');
  writeFileSync(frozen, '\x7fELF not really');
  chmodSync(frozen, 0o755);
  const shell = join(dir, 'shell-aws');
  writeFileSync(shell, '#!/bin/sh\nexec aws "$@"\n');
  chmodSync(shell, 0o755);
  const missing = join(dir, 'missing-python-aws');
  writeFileSync(missing, '#!/nonexistent/python3\nimport awscli.clidriver\n');
  chmodSync(missing, 0o755);
  const cases = [
    { name: 'frozen build', mode: 'auto', cli: { ...cli, path: frozen }, isolation: none, why: /not a script/ },
    { name: 'a shell wrapper', mode: 'warm', cli: { ...cli, path: shell }, isolation: none, why: /runs \/bin\/sh, not a Python interpreter/ },
    { name: 'a Python without awscli', mode: 'warm', cli: { ...cli, path: badPython }, isolation: none, why: /cannot import the AWS CLI/ },
    { name: 'a missing interpreter', mode: 'warm', cli: { ...cli, path: missing }, isolation: none, why: /cannot import the AWS CLI/ },
    { name: 'a different awscli version', mode: 'auto', cli: { ...cli, version: '0.0.1' }, isolation: none, why: /imports awscli .* but .* is 0\.0\.1/ },
    // bwrap whose layout lacks the interpreter: the worker cannot start inside it, so nothing runs warm.
    { name: 'a bwrap layout the worker cannot run in', mode: 'warm', cli, isolation: { kind: 'bwrap', bwrapPath: '/usr/bin/bwrap', bwrapVersion: 'x', readOnly: [], hidden: [] }, why: /no worker could start .*: commands are spawned/ },
    { name: 'spawn asked for', mode: 'spawn', cli, isolation: none, why: null },
  ] as const;
  for (const c of cases) {
    const logs: string[] = [];
    const executor = await selectExecutor({ mode: c.mode, workers: 1, cli: c.cli, isolation: c.isolation, log: (_l, m) => logs.push(m) });
    t.equal(executor.kind, 'spawn', c.name);
    t.match(executor.describe, /^spawn \(/, c.name);
    if (c.why === null) t.same(logs, [], `${c.name}: nothing to warn of`);
    else t.match(logs.join('\n'), c.why, `${c.name}: the log says why`);
  }
});

t.test('a worker that dies before it forks: the command is spawned instead, stdin and all', async (t) => {
  const pool = createWarmPool({ python, script: workerScript(), cliPath: cli.path, size: 1, log: () => undefined });
  t.teardown(pool.close);
  t.equal(await pool.ready, 1);
  const worker = pool.workers()[0]!;
  const cat = join(dir, 'cat-aws');
  writeFileSync(cat, `#!${python}\nimport os, sys\nsys.stdout.write(str(os.getppid() != ${worker}) + ':' + sys.stdin.read())\n`);
  chmodSync(cat, 0o755);
  // Stopped, the worker takes the request but never forks; killed, it is lost with the request unstarted.
  process.kill(worker, 'SIGSTOP');
  const r = await runIn(pool.run, cat, [], { stdin: Buffer.from('late bytes'), onStart: () => setTimeout(() => process.kill(worker, 'SIGKILL'), 500) });
  t.equal(r.outcome.reason, 'exited');
  t.equal(r.outcome.exitCode, 0);
  t.equal(r.stdout.toString(), 'True:late bytes', 'spawned (not a fork of the dead worker), with the stdin it was given');
});
