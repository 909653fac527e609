// The approval terminal UI through the built bundle in a real terminal (tmux): it lists the held command live,
// `a` + Enter approves it, the agent's command then runs, and `q` quits.
import t from 'tap';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { startBroker } from '../helpers/broker.js';
import { agentEnv, shimBinDir } from '../helpers/shim.js';
import { startTmux } from '../helpers/tmux.js';
import { BUNDLE, FIXTURES } from '../helpers/paths.js';

const tmux = startTmux('approve-tui');
const broker = await startBroker({ awsCli: join(FIXTURES, 'fake-aws', 'sandbox-aws') });
t.teardown(broker.stop);
const env = await agentEnv(broker.url, await broker.token({ agent: 'claude-7', human: 'alice' }));
const approverToken = await broker.token({ agent: 'bob-laptop', human: 'bob', role: 'approver' });
const session = 'approve';
const waitForScreen = (pattern: RegExp, what: string): Promise<string> => tmux.waitFor(session, pattern, what);

t.test('an approver approves from the terminal UI and the agent command runs', async (t) => {
  const shim = spawn(join(await shimBinDir(), 'aws'), ['iam', 'attach-role-policy', '--role-name', 'deployer', '--policy-arn', 'arn:aws:iam::aws:policy/AdministratorAccess'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  shim.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const exit = new Promise<number | null>((resolve) => shim.on('close', resolve));
  for (let i = 0; i < 100 && !/approval apr_/.test(stderr); i++) await new Promise((r) => setTimeout(r, 100));

  // A person's terminal, not CI: ink renders only the last frame when CI is set (CI runs this suite with CI=true).
  tmux.run('new-session', '-d', '-s', session, '-x', '120', '-y', '30', `env -u CI ${BUNDLE} approve --broker ${broker.url} --token ${approverToken}; echo EXITED=$?; sleep 30`);
  t.teardown(tmux.kill);
  const listed = await waitForScreen(/iam:attach-role-policy/, 'the held request');
  t.match(listed, /claude-7/);
  t.match(listed, /alice/);
  t.match(listed, /0\/2|0\/1/, 'votes so far');

  tmux.run('send-keys', '-t', session, 'Enter');
  const detail = await waitForScreen(/AdministratorAccess/, 'the detail view');
  t.match(detail, /iam:AttachRolePolicy/, 'the IAM action');
  tmux.run('send-keys', '-t', session, 'a');
  await waitForScreen(/reason/i, 'the reason prompt');
  tmux.run('send-keys', '-t', session, 'ticket 7', 'Enter');
  await waitForScreen(/approved apr_|1\/2/, 'the result');
  tmux.run('send-keys', '-t', session, 'q');
  await waitForScreen(/EXITED=0/, 'a clean exit');
  // The default policy asks two approvers for IAM changes: the second comes from the plain command.
  const id = /approval (apr_[\w-]+)/.exec(stderr)![1]!;
  const second = await broker.token({ agent: 'dana-laptop', human: 'dana', role: 'approver' });
  const { runGuard } = await import('../helpers/guard-cli.js');
  const res = await runGuard(['approve', id, '--broker', broker.url, '--token', second]);
  t.equal(res.code, 0, res.stderr);
  t.equal(await exit, 0, `the agent's command ran (${stderr})`);
});
