import t from 'tap';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { constants } from 'node:os';
import { dirname } from 'node:path';
import { runAwsCli, type ExecRequest, type OutputSink } from '@aws-guard/broker/exec/run-aws-cli';
import { FIXTURES } from '../../../../test/helpers/paths.js';

const FAKE = `${FIXTURES}fake-aws/`;
// The fixtures are `#!/usr/bin/env node` scripts: the node running the tests must be on their PATH.
const PATH = `${dirname(process.execPath)}:/usr/bin:/bin`;

const collect = () => {
  const out = { stdout: [] as Buffer[], stderr: [] as Buffer[] };
  const sink: OutputSink = (stream, chunk) => void out[stream].push(Buffer.from(chunk));
  return { sink, text: (s: 'stdout' | 'stderr') => Buffer.concat(out[s]).toString('utf8'), bytes: (s: 'stdout' | 'stderr') => Buffer.concat(out[s]) };
};
const request = (cli: string, args: string[], over: Partial<ExecRequest> = {}): ExecRequest => ({
  cliPath: FAKE + cli, args, env: { PATH }, cwd: '/', readsStdin: false, timeoutMs: 60_000, maxOutputBytes: 256 * 1024 * 1024, killGraceMs: 2000, ...over,
});

t.test('the exit code and stderr of the CLI pass through unchanged', async (t) => {
  for (const code of [0, 1, 2, 130, 252, 253, 254, 255]) {
    const out = collect();
    const message = `An error occurred (Code${code}) when calling the X operation: é\n`;
    const outcome = await runAwsCli(request('exit-aws', [String(code), message]), out.sink).done;
    t.match(outcome, { exitCode: code, reason: 'exited', signal: undefined, stdoutBytes: 0, stderrBytes: Buffer.byteLength(message) }, `exit ${code}`);
    t.equal(out.text('stderr'), message, `exit ${code}: stderr`);
    t.ok(Object.isFrozen(outcome));
  }
});

t.test('argv reaches the CLI as separate arguments, never through a shell', async (t) => {
  const out = collect();
  const text = '$(touch /tmp/aws-guard-pwned) `id` ; | & "quoted" \n';
  await runAwsCli(request('exit-aws', ['0', text]), out.sink).done;
  t.equal(out.text('stderr'), text);
});

t.test('a CLI killed by a signal exits with 128 + the signal number', async (t) => {
  const outcome = await runAwsCli(request('crash-aws', []), collect().sink).done;
  t.match(outcome, { exitCode: 128 + constants.signals.SIGSEGV, reason: 'killed', signal: 'SIGSEGV' });
});

t.test('a CLI that cannot be started is a failed outcome, not an exception', async (t) => {
  const outcome = await runAwsCli({ ...request('exit-aws', []), cliPath: '/nonexistent/aws' }, collect().sink).done;
  t.not(outcome.exitCode, 0);
});

t.test('the CLI sees exactly the environment it is given', async (t) => {
  process.env['AWS_GUARD_TEST_PLANTED'] = 'from-the-broker';
  t.teardown(() => delete process.env['AWS_GUARD_TEST_PLANTED']);
  const env = { PATH, HOME: '/sbx/home', AWS_ACCESS_KEY_ID: 'ASIA1', AWS_SECRET_ACCESS_KEY: 'secret', AWS_SESSION_TOKEN: 'token', AWS_PAGER: '' };
  const out = collect();
  const outcome = await runAwsCli(request('env-aws', [], { env }), out.sink).done;
  t.equal(outcome.exitCode, 0);
  const seen = JSON.parse(out.text('stdout')) as Record<string, string>;
  // Under tap, every spawned child also gets tap's process-info hook (NODE_OPTIONS, _TAPJS_*): not ours.
  const added = Object.keys(seen).filter((name) => !(name in env) && name !== 'NODE_OPTIONS' && !name.startsWith('_TAPJS_'));
  t.same(added, [], 'no variable added');
  t.notOk('AWS_GUARD_TEST_PLANTED' in seen, 'nothing from the broker env');
  t.match(seen, { HOME: '/sbx/home', AWS_ACCESS_KEY_ID: 'ASIA1', AWS_SECRET_ACCESS_KEY: '<set>', AWS_SESSION_TOKEN: '<set>', AWS_PAGER: '' });
});

t.test('the CLI leads its own process group', async (t) => {
  const running = runAwsCli(request('sleepy-aws', []), collect().sink);
  const pid = running.pid ?? 0;
  // /proc/<pid>/stat: "pid (comm) state ppid pgrp …"
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
  t.equal(Number(fields[2]), pid, 'pgrp is its own pid');
  running.stop('cancelled');
  await running.done;
});

t.test('stdin is piped to the CLI when it reads stdin', async (t) => {
  const out = collect();
  const running = runAwsCli(request('stdin-aws', [], { readsStdin: true }), out.sink);
  const input = [Buffer.from('first line\n'), Buffer.alloc(300 * 1024, 'z'), Buffer.from([0, 255, 10])];
  t.ok(running.stdin, 'a writable stdin');
  for (const chunk of input) running.stdin?.write(chunk);
  running.stdin?.end();
  const outcome = await running.done;
  t.equal(outcome.exitCode, 0);
  t.ok(out.bytes('stdout').equals(Buffer.concat(input)), 'every byte, in order');
});

t.test('a CLI that does not read stdin gets no stdin, and sees end of input', async (t) => {
  const out = collect();
  const running = runAwsCli(request('stdin-aws', []), out.sink);
  t.equal(running.stdin, null);
  t.match(await running.done, { exitCode: 0, stdoutBytes: 0 });
});

t.test('a slow sink pauses the CLI and still receives every byte once, in order', async (t) => {
  const hash = createHash('sha256');
  let stderr = '';
  let calls = 0;
  const sink: OutputSink = async (stream, chunk) => {
    if (stream === 'stderr') return void (stderr += chunk.toString());
    hash.update(chunk);
    // Every 8th chunk waits a timer turn, the others a macrotask: the pipe fills up meanwhile.
    await new Promise((r) => (++calls % 8 === 0 ? setTimeout(r, 5) : setImmediate(r)));
  };
  const outcome = await runAwsCli(request('flood-aws', ['4']), sink).done;
  t.match(outcome, { exitCode: 0, reason: 'exited', stdoutBytes: 4 * 1024 * 1024 });
  t.equal(`sha256 ${hash.digest('hex')}\n`, stderr, 'the digest of what arrived is the digest of what was written');
});

t.test('the sink is not called again before its previous promise settled, even when the CLI exits', async (t) => {
  // Node's child_process resumes a child's stdio streams on exit; the sink must still see one call at a time.
  let inSink = 0;
  let maxInSink = 0;
  let calls = 0;
  let pid = 0;
  const exited = () => {
    try {
      process.kill(pid, 0);
      return false;
    } catch {
      return true;
    }
  };
  // flood-aws writes two 64 KiB chunks: the first is held by the sink until the CLI has exited (the second
  // fits in the pipe, so the CLI can finish meanwhile).
  const sink: OutputSink = async (stream) => {
    if (stream === 'stderr') return;
    maxInSink = Math.max(maxInSink, ++inSink);
    if (++calls === 1) while (!exited()) await new Promise((r) => setTimeout(r, 10));
    inSink--;
  };
  const running = runAwsCli(request('flood-aws', ['0.125']), sink);
  pid = running.pid ?? 0;
  const outcome = await running.done;
  t.match(outcome, { exitCode: 0, stdoutBytes: 128 * 1024 });
  t.equal(maxInSink, 1, 'one call at a time');
});

t.test('a sink that fails stops the CLI as cancelled', async (t) => {
  const running = runAwsCli(request('flood-aws', ['16']), (stream) => (stream === 'stdout' ? Promise.reject(new Error('agent gone')) : undefined));
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<'HUNG'>((r) => (timer = setTimeout(() => r('HUNG'), 5000)));
  const outcome = await Promise.race([running.done, hung]).finally(() => clearTimeout(timer));
  t.not(outcome, 'HUNG', 'done resolves');
  if (outcome === 'HUNG') return;
  t.equal(outcome.reason, 'cancelled');
  t.ok(outcome.stdoutBytes < 16 * 1024 * 1024, 'the CLI did not write everything');
});
