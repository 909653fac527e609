// Ctrl-C, SIGTERM or an abrupt disconnect of the agent cancels the remote command: the CLI's whole
// process group is killed and the audit says who cancelled it.
import t from 'tap';
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startBroker } from '../helpers/broker.js';
import { agentEnv, shimBinDir } from '../helpers/shim.js';
import { FIXTURES } from '../helpers/paths.js';

// The pids sleepy-aws prints are host pids only without bwrap's pid namespace; isolation.test.ts covers
// cancellation under bwrap.
const broker = await startBroker({ awsCli: join(FIXTURES, 'fake-aws', 'sleepy-aws'), args: ['--isolation', 'none'] });
t.teardown(broker.stop);
const env = await agentEnv(broker.url, await broker.token());

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
const gone = async (pid: number) => {
  for (let i = 0; i < 100 && alive(pid); i++) await new Promise((r) => setTimeout(r, 100));
  return !alive(pid);
};

/** Starts `aws s3 ls` on the sleepy fake CLI and resolves once it printed its own and its child's pid. */
const startSleepy = async () => {
  const shim = spawn(join(await shimBinDir(), 'aws'), ['s3', 'ls'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const pids = await new Promise<{ cli: number; child: number }>((resolve, reject) => {
    shim.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      const cli = /pid (\d+)/.exec(out);
      const child = /child (\d+)/.exec(out);
      if (cli && child) resolve({ cli: Number(cli[1]), child: Number(child[1]) });
    });
    shim.once('exit', (code) => reject(new Error(`shim exited ${code} early: ${out}`)));
  });
  const exit = new Promise<number | null>((resolve) => shim.once('exit', (code) => resolve(code)));
  return { shim, pids, exit };
};

const cancelRecord = async (reason: string) => {
  const lines = (await readFile(join(broker.dataDir, 'audit', 'audit.jsonl'), 'utf8')).trim().split('\n');
  return lines.map((l) => JSON.parse(l) as { type: string; data: { cancelledBy?: string } }).filter((r) => r.type === 'command.cancelled' && r.data.cancelledBy === reason);
};

t.test('Ctrl-C in the agent kills the remote process group; the shim exits 130', async (t) => {
  const { shim, pids, exit } = await startSleepy();
  shim.kill('SIGINT');
  t.equal(await exit, 130);
  t.ok(await gone(pids.cli), 'the CLI is gone');
  t.ok(await gone(pids.child), 'its child is gone too');
  t.equal((await cancelRecord('signal')).length, 1, 'audited as cancelled by a signal');
});

t.test('SIGTERM in the agent cancels too; the shim exits 143', async (t) => {
  const { shim, pids, exit } = await startSleepy();
  shim.kill('SIGTERM');
  t.equal(await exit, 143);
  t.ok(await gone(pids.cli), 'the CLI is gone');
});

t.test('an abrupt disconnect kills the remote command and is audited', async (t) => {
  const { shim, pids, exit } = await startSleepy();
  shim.kill('SIGKILL');
  await exit;
  t.ok(await gone(pids.cli), 'the CLI is gone');
  t.ok(await gone(pids.child), 'its child is gone too');
  for (let i = 0; i < 50 && (await cancelRecord('disconnect')).length === 0; i++) await new Promise((r) => setTimeout(r, 100));
  t.equal((await cancelRecord('disconnect')).length, 1, 'audited as cancelled by a disconnect');
});
