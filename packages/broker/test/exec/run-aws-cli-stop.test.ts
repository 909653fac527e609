import t from 'tap';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { constants } from 'node:os';
import { dirname, join } from 'node:path';
import { runAwsCli, type ExecOutcome, type ExecRequest, type OutputSink } from '@aws-guard/broker/exec/run-aws-cli';
import { FIXTURES } from '../../../../test/helpers/paths.js';

const FAKE = `${FIXTURES}fake-aws/`;
const PATH = `${dirname(process.execPath)}:/usr/bin:/bin`;
const request = (cli: string, args: string[], over: Partial<ExecRequest> = {}): ExecRequest => ({
  cliPath: cli.startsWith('/') ? cli : FAKE + cli, args, env: { PATH }, cwd: '/', readsStdin: false, timeoutMs: 60_000, maxOutputBytes: 256 * 1024 * 1024, killGraceMs: 2000, ...over,
});

/** A process is gone when it no longer exists or is a zombie nobody reaped yet. */
const gone = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').startsWith('Z');
  } catch {
    return true;
  }
};
/** Polls until the process is gone, for at most 5 s. */
const waitGone = async (pid: number): Promise<boolean> => {
  for (let i = 0; i < 100; i++) {
    if (gone(pid)) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
};
/** Resolves `done`, or 'HUNG' when it takes more than `ms` (a ref'd timer: a hang must not let the process exit). */
const within = (done: Promise<ExecOutcome>, ms: number): Promise<ExecOutcome | 'HUNG'> => {
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<'HUNG'>((r) => (timer = setTimeout(() => r('HUNG'), ms)));
  return Promise.race([done, hung]).finally(() => clearTimeout(timer));
};

/** Runs sleepy-aws and resolves once it printed its own and its grandchild's pid (its signal handler is
 * installed by then). Node starts slowly under tap's hooks: time limits below stay well above start-up. */
const startSleepy = async (args: string[], over: Partial<ExecRequest> = {}) => {
  let text = '';
  let seen: (v: { pid: number; child: number }) => void = () => undefined;
  const pids = new Promise<{ pid: number; child: number }>((r) => (seen = r));
  const sink: OutputSink = (stream, chunk) => {
    text += chunk.toString();
    const m = /pid (\d+)\nchild (\d+)\n/.exec(text);
    if (m) seen({ pid: Number(m[1]), child: Number(m[2]) });
  };
  const running = runAwsCli(request('sleepy-aws', args, over), sink);
  const early = running.done.then((o) => { throw new Error(`sleepy-aws ended before printing its pids: ${JSON.stringify(o)}`); });
  return { running, ...(await Promise.race([pids, early])) };
};

t.test('a timeout stops the whole process group, grandchild included', async (t) => {
  const { running, pid, child } = await startSleepy([], { timeoutMs: 4000 });
  t.equal(pid, running.pid);
  const outcome = await running.done;
  t.match(outcome, { reason: 'timeout', signal: 'SIGTERM', exitCode: 128 + constants.signals.SIGTERM });
  t.ok(await waitGone(pid), 'the CLI is gone');
  t.ok(await waitGone(child), 'its grandchild is gone');
});

t.test('a CLI that ignores SIGTERM is killed after the grace period', async (t) => {
  const { running, child } = await startSleepy(['--ignore-sigterm'], { timeoutMs: 4000, killGraceMs: 300 });
  const outcome = await running.done;
  t.match(outcome, { reason: 'timeout', signal: 'SIGKILL', exitCode: 128 + constants.signals.SIGKILL });
  t.ok(outcome.durationMs >= 4300, 'not before timeout + grace');
  t.ok(await waitGone(child), 'its grandchild is gone');
});

t.test('stop("cancelled") stops the group and is reported as cancelled', async (t) => {
  const { running, pid, child } = await startSleepy([]);
  running.stop('cancelled');
  running.stop('timeout'); // a second stop does not change the reason
  t.match(await running.done, { reason: 'cancelled', signal: 'SIGTERM' });
  t.ok(await waitGone(pid) && await waitGone(child), 'CLI and grandchild gone');
});

t.test('stop after the CLI exited changes nothing', async (t) => {
  const running = runAwsCli(request('exit-aws', ['3', '']), () => undefined);
  const outcome = await running.done;
  t.doesNotThrow(() => running.stop('cancelled'));
  t.match(outcome, { exitCode: 3, reason: 'exited' });
});

t.test('output beyond the limit stops the CLI with output-limit and is not delivered', async (t) => {
  let delivered = 0;
  const limit = 1024 * 1024;
  const outcome = await runAwsCli(request('flood-aws', ['64'], { maxOutputBytes: limit }), (_s, chunk) => void (delivered += chunk.length)).done;
  t.equal(outcome.reason, 'output-limit');
  t.not(outcome.exitCode, 0);
  t.ok(delivered <= limit, `${delivered} bytes delivered, at most ${limit}`);
  t.ok(outcome.stdoutBytes < 64 * 1024 * 1024, 'the CLI was stopped before it wrote everything');
});

t.test('output exactly at the limit is fine', async (t) => {
  const outcome = await runAwsCli(request('exit-aws', ['0', 'x'.repeat(100)], { maxOutputBytes: 100 }), () => undefined).done;
  t.match(outcome, { reason: 'exited', exitCode: 0, stderrBytes: 100 });
});

t.test('the timeout still ends a run whose sink never drains', async (t) => {
  // A slow agent that never acknowledges output must not pin the run past its time limit (DESIGN §7.10).
  // The time limit leaves flood-aws time to start (slow under tap's hooks) and fill the paused pipe.
  const running = runAwsCli(request('flood-aws', ['8'], { timeoutMs: 2000, killGraceMs: 200 }), () => new Promise<void>(() => undefined));
  const outcome = await within(running.done, 6000);
  t.not(outcome, 'HUNG', 'done resolves');
  if (outcome !== 'HUNG') t.equal(outcome.reason, 'timeout');
  else running.stop('cancelled');
});

t.test('a CLI that exits leaving a background child holding stdout is done at its exit', async (t) => {
  // A child that inherited stdout would keep it open: the group is killed as soon as the CLI exits.
  const cli = join(t.testdir({ 'package.json': '{"type":"commonjs"}' }), 'leaves-child-aws');
  writeFileSync(cli, [
    '#!/usr/bin/env node',
    "const { spawn } = require('node:child_process');",
    "const c = spawn('sleep', ['1000'], { stdio: ['ignore', 'inherit', 'inherit'] });",
    'process.stdout.write(`child ${c.pid}\\n`, () => process.exit(0));',
  ].join('\n'));
  chmodSync(cli, 0o755);
  let text = '';
  const running = runAwsCli(request(cli, [], { timeoutMs: 3000 }), (_s, chunk) => void (text += chunk.toString()));
  const outcome = await within(running.done, 10_000);
  t.match(outcome, { exitCode: 0, reason: 'exited' });
  const child = Number(/child (\d+)/.exec(text)?.[1]);
  t.ok(await waitGone(child), 'the leftover child is killed with the group');
});
