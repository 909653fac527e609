// No head-of-line blocking (issue 8): one slow command — a waiter, an output the agent does not read, a wait for
// approval — never holds up another agent's. A broker with `--max-concurrent 2` (so one slot per agent by default)
// and a fake CLI with three speeds (lane-aws); every assertion is on order and events, none on durations.
import t from 'tap';
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startBroker } from '../helpers/broker.js';
import { agentEnv, shimBinDir } from '../helpers/shim.js';
import { runGuard } from '../helpers/guard-cli.js';
import { FIXTURES } from '../helpers/paths.js';

const policy = join(t.testdir(), 'policy.yaml');
await writeFile(policy, [
  'version: 1', 'rules:',
  '  - id: hold-bucket-deletes', '    effect: approve', '    actions: ["s3:DeleteBucket"]',
  '  - id: allow-the-rest', '    effect: allow', '    actions: ["*"]', '',
].join('\n'));
const broker = await startBroker({ awsCli: join(FIXTURES, 'fake-aws', 'lane-aws'), args: ['--isolation', 'none', '--max-concurrent', '2', '--policy', policy] });
t.teardown(broker.stop);
const approver = await broker.token({ agent: 'bob-laptop', human: 'bob', role: 'approver' });

const WAITER = ['cloudformation', 'wait', 'stack-create-complete', '--stack-name', 'slow'];
const FAST = ['sts', 'get-caller-identity'];
const FLOOD = ['s3api', 'list-objects-v2', '--bucket', 'big'];
const QUEUED_BROKER = /aws-guard: queued: the broker is running its limit of 2 commands; (\d+) ahead/;
const QUEUED_AGENT = /aws-guard: queued: this agent is running its limit of 1 commands; (\d+) ahead/;

/** Starts the shim as `agent`; with `read: false` its stdout is never read, so the broker meets backpressure. */
const start = async (agent: string, args: readonly string[], opts: { read?: boolean } = {}) => {
  const env = await agentEnv(broker.url, await broker.token({ agent }));
  const shim = spawn(join(await shimBinDir(), 'aws'), [...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const listeners = new Set<() => void>();
  const changed = () => listeners.forEach((f) => f());
  if (opts.read !== false) shim.stdout.on('data', (c: Buffer) => ((stdout += c.toString()), changed()));
  shim.stderr.on('data', (c: Buffer) => ((stderr += c.toString()), changed()));
  let code: number | null | undefined;
  const exit = new Promise<number | null>((resolve) => shim.once('close', (c) => ((code = c), changed(), resolve(c))));
  /** Resolves once `test` holds for what was printed; a generous bound only so that a broken build fails. */
  const until = (test: () => boolean, what: string) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (!test()) return;
        listeners.delete(check);
        resolve();
      };
      listeners.add(check);
      check();
      setTimeout(() => reject(new Error(`${agent}: ${what} did not happen; stdout ${stdout.slice(0, 200)} stderr ${stderr}`)), 60_000).unref();
    });
  return {
    shim,
    exit,
    stdout: () => stdout,
    stderr: () => stderr,
    ended: () => code !== undefined,
    running: () => until(() => /pid \d+/.test(stdout) || /flooding pid \d+/.test(stderr), 'running'),
    printed: (re: RegExp) => until(() => re.test(stderr), `printing ${re}`),
    cancel: async () => {
      if (code === undefined) shim.kill('SIGINT');
      return exit;
    },
  };
};

t.test('an agent whose commands all wait keeps to its share: another agent runs at once', async (t) => {
  const first = await start('agent-a', WAITER);
  await first.running();
  const second = await start('agent-a', WAITER);
  await second.printed(QUEUED_AGENT);
  t.match(second.stderr(), QUEUED_AGENT, 'its second waiter waits for its own slot, though one is free');

  const other = await start('agent-b', FAST);
  t.equal(await other.exit, 0, 'the other agent\'s command ran and finished');
  t.match(other.stdout(), /"command":"sts get-caller-identity"/);
  t.notMatch(other.stderr(), /queued/, 'without queueing behind the waiters');
  t.notOk(second.ended() || /pid/.test(second.stdout()), 'meanwhile the second waiter still waits');

  t.equal(await first.cancel(), 130);
  await second.running();
  t.pass('the agent\'s next waiter starts when its own slot frees');
  t.equal(await second.cancel(), 130);
});

t.test('a command waiting for approval holds no execution slot', async (t) => {
  const held = await start('agent-p', ['s3api', 'delete-bucket', '--bucket', 'doomed']);
  await held.printed(/approval (apr_[\w-]+)/);
  const approvalId = /approval (apr_[\w-]+)/.exec(held.stderr())![1]!;

  // Both slots go to others while the approval is pending; neither is told to queue.
  const w1 = await start('agent-w1', WAITER);
  await w1.running();
  const w2 = await start('agent-w2', WAITER);
  await w2.running();
  t.notMatch(`${w1.stderr()}${w2.stderr()}`, /queued/, 'two commands run beside a pending approval with a limit of 2');

  // The limit is real: a third command queues behind them...
  const next = await start('agent-q', FAST);
  await next.printed(QUEUED_BROKER);
  // ...and the approved command takes its turn after it, like any other.
  t.equal((await runGuard(['approve', approvalId, '--broker', broker.url, '--token', approver])).code, 0);
  await held.printed(QUEUED_BROKER);
  t.equal(Number(QUEUED_BROKER.exec(held.stderr())![1]), 1, 'approved, it waits for a slot with one ahead of it');

  await w1.cancel();
  t.equal(await next.exit, 0, 'the first freed slot goes to the command that queued first');
  t.notOk(held.ended(), 'the approved command still waits for a slot');
  await w2.cancel();
  t.equal(await held.exit, 0, 'and runs on the next one');
  t.match(held.stdout(), /"command":"s3api delete-bucket"/);
});

t.test('a command whose output its agent does not read holds only its own slot', async (t) => {
  const flood = await start('agent-f', FLOOD, { read: false });
  await flood.running();
  for (const agent of ['agent-x', 'agent-y', 'agent-z']) {
    const other = await start(agent, FAST);
    t.equal(await other.exit, 0, `${agent} ran while the flood was stalled`);
    t.notMatch(other.stderr(), /queued/, `${agent} did not queue`);
  }
  t.notOk(flood.ended(), 'the stalled command is still running, not dropped');
  // Reading again resumes it: backpressure held it, nothing cut it off.
  let bytes = 0;
  await new Promise<void>((resolve) => {
    flood.shim.stdout.on('data', (c: Buffer) => {
      bytes += c.length;
      if (bytes >= 1 << 20) resolve();
    });
  });
  t.ok(bytes >= 1 << 20, 'its output flows once read');
  t.equal(await flood.cancel(), 130);
});
