// The shim's wait for a human: a live indicator only when a person watches stderr (a TTY), and the wait's
// time limit ends once the command is approved (a long command is not cut off by it).
import t from 'tap';
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startBroker } from '../helpers/broker.js';
import { agentEnv, shimBinDir } from '../helpers/shim.js';
import { runGuard } from '../helpers/guard-cli.js';
import { startTmux } from '../helpers/tmux.js';
import { FIXTURES } from '../helpers/paths.js';

const tmux = startTmux('approval-wait');
const policy = join(t.testdir(), 'policy.yaml');
await writeFile(policy, 'version: 1\nrules:\n  - id: hold-everything\n    effect: approve\n    actions: ["*"]\n    message: every command waits for a human here\n');
const broker = await startBroker({ awsCli: join(FIXTURES, 'fake-aws', 'sleepy-aws'), args: ['--policy', policy] });
t.teardown(broker.stop);
const env = await agentEnv(broker.url, await broker.token({ agent: 'claude-9', human: 'alice' }));
const approver = await broker.token({ agent: 'bob-laptop', human: 'bob', role: 'approver' });
const approve = (id: string) => runGuard(['approve', id, '--broker', broker.url, '--token', approver]);

t.test('an approved command runs past the wait limit and is not cancelled by it', async (t) => {
  // 5 s: long enough that a loaded machine still approves within it, short enough to outlast in the test.
  const waitLimitMs = 5000;
  const started = Date.now();
  const shim = spawn(join(await shimBinDir(), 'aws'), ['sts', 'get-caller-identity'], { env: { ...env, AWS_GUARD_APPROVAL_WAIT: `${waitLimitMs / 1000}s` }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  let stdout = '';
  shim.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  shim.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  let exited: number | null | undefined;
  shim.on('close', (code) => (exited = code));
  for (let i = 0; i < 100 && !/approval apr_/.test(stderr); i++) await new Promise((r) => setTimeout(r, 50));
  t.notMatch(stderr, /still waiting/, 'no indicator when stderr is not a terminal');
  t.equal((await approve(/approval (apr_[\w-]+)/.exec(stderr)![1]!)).code, 0);
  for (let i = 0; i < 100 && !/pid \d+/.test(stdout); i++) await new Promise((r) => setTimeout(r, 50));
  await new Promise((r) => setTimeout(r, Math.max(0, started + waitLimitMs - Date.now()) + 1000));
  t.equal(exited, undefined, 'still running 1 s after the wait limit');
  shim.kill('SIGINT');
  // It may have exited already (the assertion above failed): never wait for a close that has happened.
  if (exited === undefined) await new Promise((r) => shim.once('close', r));
  t.equal(exited, 130);
});

t.test('at a terminal the shim shows that it is still waiting', async (t) => {
  tmux.newSession('wait', { width: 160, height: 10, env: { ...env, AWS_GUARD_APPROVAL_WAIT: '1m' }, command: [join(await shimBinDir(), 'aws'), 'sts', 'get-caller-identity'] });
  t.teardown(tmux.kill);
  const screen = await tmux.waitFor('wait', /still waiting for apr_\S+ \(0:0[1-9] of 1:00\)/, 'the waiting indicator', { timeoutMs: 10_000 });
  t.match(screen, /needs approval \(rule hold-everything/);
  t.match(screen, /still waiting for apr_\S+ \(0:0[1-9] of 1:00\)/);
});
