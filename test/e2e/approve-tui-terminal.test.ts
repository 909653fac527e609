// The approval terminal UI through the built bundle in a real terminal (tmux): it lists the held command live,
// `a` + Enter approves it, the agent's command then runs, and `q` quits.
import t from 'tap';
import { spawn, execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { startBroker } from '../helpers/broker.js';
import { agentEnv, shimBinDir } from '../helpers/shim.js';
import { requireBinary } from '../helpers/service-process.js';
import { BUNDLE, FIXTURES } from '../helpers/paths.js';

requireBinary('tmux', 'apt-get install -y tmux');
const broker = await startBroker({ awsCli: join(FIXTURES, 'fake-aws', 'sandbox-aws') });
t.teardown(broker.stop);
const env = await agentEnv(broker.url, await broker.token({ agent: 'claude-7', human: 'alice' }));
const approverToken = await broker.token({ agent: 'bob-laptop', human: 'bob', role: 'approver' });
const session = `aws-guard-test-${process.pid}`;
// A private tmux server per test (-L): tests in parallel never share, or kill, each other's server.
const tmux = (...args: string[]) => execFileSync('tmux', ['-L', session, ...args], { encoding: 'utf8' });
const screen = () => tmux('capture-pane', '-p', '-t', session);
const waitForScreen = async (pattern: RegExp, what: string): Promise<string> => {
  for (let i = 0; i < 300; i++) {
    const text = screen();
    if (pattern.test(text)) return text;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the screen never showed ${what}:\n${screen()}`);
};

t.test('an approver approves from the terminal UI and the agent command runs', async (t) => {
  const shim = spawn(join(await shimBinDir(), 'aws'), ['iam', 'attach-role-policy', '--role-name', 'deployer', '--policy-arn', 'arn:aws:iam::aws:policy/AdministratorAccess'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  shim.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const exit = new Promise<number | null>((resolve) => shim.on('close', resolve));
  for (let i = 0; i < 100 && !/approval apr_/.test(stderr); i++) await new Promise((r) => setTimeout(r, 100));

  // A person's terminal, not CI: ink renders only the last frame when CI is set (CI runs this suite with CI=true).
  tmux('new-session', '-d', '-s', session, '-x', '120', '-y', '30', `env -u CI ${BUNDLE} approve --broker ${broker.url} --token ${approverToken}; echo EXITED=$?; sleep 30`);
  t.teardown(() => tmux('kill-server'));
  const listed = await waitForScreen(/iam:attach-role-policy/, 'the held request');
  t.match(listed, /claude-7/);
  t.match(listed, /alice/);
  t.match(listed, /0\/2|0\/1/, 'votes so far');

  tmux('send-keys', '-t', session, 'Enter');
  const detail = await waitForScreen(/AdministratorAccess/, 'the detail view');
  t.match(detail, /iam:AttachRolePolicy/, 'the IAM action');
  tmux('send-keys', '-t', session, 'a');
  await waitForScreen(/reason/i, 'the reason prompt');
  tmux('send-keys', '-t', session, 'ticket 7', 'Enter');
  await waitForScreen(/approved apr_|1\/2/, 'the result');
  tmux('send-keys', '-t', session, 'q');
  await waitForScreen(/EXITED=0/, 'a clean exit');
  // The default policy asks two approvers for IAM changes: the second comes from the plain command.
  const id = /approval (apr_[\w-]+)/.exec(stderr)![1]!;
  const second = await broker.token({ agent: 'dana-laptop', human: 'dana', role: 'approver' });
  const { runGuard } = await import('../helpers/guard-cli.js');
  const res = await runGuard(['approve', id, '--broker', broker.url, '--token', second]);
  t.equal(res.code, 0, res.stderr);
  t.equal(await exit, 0, `the agent's command ran (${stderr})`);
});
