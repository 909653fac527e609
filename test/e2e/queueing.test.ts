// A broker with `--max-concurrent 1`: excess commands queue, the agent is told so on stderr, the queue takes
// turns per agent, and a command cancelled while queued never runs.
import t from 'tap';
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startBroker } from '../helpers/broker.js';
import { agentEnv, shimBinDir } from '../helpers/shim.js';
import { FIXTURES } from '../helpers/paths.js';

// sleepy-aws never ends by itself: a slot is freed by cancelling the command that holds it.
const broker = await startBroker({ awsCli: join(FIXTURES, 'fake-aws', 'sleepy-aws'), args: ['--isolation', 'none', '--max-concurrent', '1'] });
t.teardown(broker.stop);

const QUEUED = /^aws-guard: queued: the broker is running its limit of 1 commands; (\d+) ahead of this one \(request (req_\w+)\)$/m;

/** Resolves when `test` holds for the text seen so far (checked at every chunk), rejects after `ms`. */
const when = (read: () => string, onChunk: (f: () => void) => void, test: (s: string) => boolean, what: string, ms = 10_000) =>
  new Promise<void>((resolve, reject) => {
    const check = () => test(read()) && resolve();
    onChunk(check);
    check();
    setTimeout(() => reject(new Error(`${what} did not happen in ${ms} ms: ${read()}`)), ms).unref();
  });

/** Starts `aws s3 ls` as `agent`; `running` resolves once the CLI printed its pid, `queued` once told it waits. */
const startCommand = async (agent: string) => {
  const env = await agentEnv(broker.url, await broker.token({ agent }));
  const shim = spawn(join(await shimBinDir(), 'aws'), ['s3', 'ls'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const listeners: Array<() => void> = [];
  shim.stdout.on('data', (c: Buffer) => ((stdout += c.toString()), listeners.forEach((f) => f())));
  shim.stderr.on('data', (c: Buffer) => ((stderr += c.toString()), listeners.forEach((f) => f())));
  const exit = new Promise<number | null>((resolve) => shim.once('exit', (code) => resolve(code)));
  const isRunning = () => /pid \d+/.test(stdout);
  return {
    shim,
    exit,
    isRunning,
    stderr: () => stderr,
    running: () => when(() => stdout, (f) => listeners.push(f), (s) => /pid \d+/.test(s), `${agent}: running`),
    queued: async () => {
      await when(() => stderr, (f) => listeners.push(f), (s) => QUEUED.test(s), `${agent}: queued`);
      return Number(QUEUED.exec(stderr)![1]);
    },
    requestId: () => QUEUED.exec(stderr)?.[2],
    cancel: async () => {
      shim.kill('SIGINT');
      return exit;
    },
  };
};
type Command = Awaited<ReturnType<typeof startCommand>>;

/** The audit records of one request, once one of `type` is there (appends are asynchronous to the shim). */
const auditOf = async (requestId: string, type: string) => {
  const read = async () =>
    (await readFile(join(broker.dataDir, 'audit', 'audit.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { type: string; requestId?: string; data: Record<string, unknown> }).filter((r) => r.requestId === requestId);
  for (let i = 0; i < 50 && !(await read()).some((r) => r.type === type); i++) await new Promise((r) => setTimeout(r, 100));
  return read();
};

/** Waits until exactly one of `commands` runs (the slot was handed on) and returns it. */
const nextRunning = async (commands: readonly Command[]): Promise<Command> => {
  for (let i = 0; i < 100; i++) {
    const running = commands.filter((c) => c.isRunning());
    if (running.length > 1) throw new Error('more than one command runs with --max-concurrent 1');
    if (running.length === 1) return running[0]!;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('no command started');
};

t.test('a command beyond the limit waits, is told so in one line, and runs once the slot frees', async (t) => {
  const holder = await startCommand('agent-a');
  await holder.running();
  const waiting = await startCommand('agent-b');
  t.equal(await waiting.queued(), 0, 'first in line');
  t.equal(waiting.stderr().split('\n').filter((l) => l.startsWith('aws-guard:')).length, 1, 'one line, once');
  await new Promise((r) => setTimeout(r, 300));
  t.notOk(waiting.isRunning(), 'it does not run while the slot is held');
  t.equal(await holder.cancel(), 130);
  await waiting.running();
  t.equal(await waiting.cancel(), 130);
});

t.test('the queue takes turns per agent: one agent with several waiting does not hold back another', async (t) => {
  const holder = await startCommand('flood');
  await holder.running();
  const flood: Command[] = [];
  for (let i = 0; i < 3; i++) {
    const c = await startCommand('flood');
    t.equal(await c.queued(), i, `flood #${i + 1} is ${i} behind`);
    flood.push(c);
  }
  const single = await startCommand('single');
  t.equal(await single.queued(), 1, 'only the head of the flood is ahead of it');

  const order: Command[] = [];
  let current = holder;
  for (let i = 0; i < 4; i++) {
    await current.cancel();
    current = await nextRunning([...flood, single].filter((c) => !order.includes(c)));
    order.push(current);
  }
  t.same(order.map((c) => (c === single ? 'single' : `flood #${flood.indexOf(c) + 1}`)), ['flood #1', 'single', 'flood #2', 'flood #3']);
  await current.cancel();
});

t.test('a command cancelled while queued leaves the queue and never runs', async (t) => {
  const holder = await startCommand('agent-a');
  await holder.running();
  const gaveUp = await startCommand('agent-b');
  await gaveUp.queued();
  const next = await startCommand('agent-c');
  t.equal(await next.queued(), 1);
  const cancelledAt = Date.now();
  t.equal(await gaveUp.cancel(), 130, 'Ctrl-C while queued exits like any cancel');
  // Needs the broker to answer a cancel in the queue with command.exit; without it the shim waits out its grace.
  t.ok(Date.now() - cancelledAt < 3000, 'the broker confirms the cancel at once');
  t.notMatch(gaveUp.stderr(), /did not confirm the cancel/, 'no complaint from the shim');
  t.notOk(gaveUp.isRunning());
  const records = await auditOf(gaveUp.requestId()!, 'command.cancelled');
  t.same(records.map((r) => r.type), ['command.requested', 'command.decided', 'command.cancelled'], 'audited as cancelled, and nothing ran (no credentials, no start)');
  t.equal(records[2]?.data['cancelledBy'], 'signal');
  await holder.cancel();
  await next.running();
  t.pass('the slot went to the next in line, not to the cancelled one');
  await next.cancel();
});
