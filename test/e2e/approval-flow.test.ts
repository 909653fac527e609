// Just-in-time approval end to end: the shim waits, a different human approves with `aws-guard approve ID`,
// the real CLI runs against the emulator and the output reaches the agent. Denials and time-outs too.
import t from 'tap';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { startMoto } from '../helpers/moto.js';
import { startBroker } from '../helpers/broker.js';
import { runGuard } from '../helpers/guard-cli.js';
import { agentEnv, awaitApproval, runAws, shimBinDir } from '../helpers/shim.js';
import { runAwsDirect } from '../helpers/real-aws.js';

const moto = await startMoto();
t.teardown(moto.stop);
const broker = await startBroker({ endpointUrl: moto.url });
t.teardown(broker.stop);
const env = await agentEnv(broker.url, await broker.token({ agent: 'claude-1', human: 'alice' }));
const bobToken = await broker.token({ agent: 'bob-laptop', human: 'bob', role: 'approver' });
const aliceApprover = await broker.token({ agent: 'alice-laptop', human: 'alice', role: 'approver' });

/** Runs `aws-guard ARGS` (the admin CLI) against this broker. */
const guard = (args: string[], token: string) => runGuard([...args, '--broker', broker.url, '--token', token]);

/** Starts an agent command that will be held, and resolves once the shim has said which approval it waits for. */
const startHeld = async (argv: string[], extraEnv: NodeJS.ProcessEnv = {}) => {
  const child = spawn(join(await shimBinDir(), 'aws'), argv, { env: { ...env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  const { approvalId, exit, stderr } = await awaitApproval(child);
  return { approvalId, exit, output: () => ({ stdout, stderr: stderr() }) };
};

const buckets = async () => (await runAwsDirect(['s3api', 'list-buckets', '--query', 'Buckets[].Name', '--output', 'text'], moto.url)).stdout.toString();

t.test('a destructive command waits, a different human approves it, and it runs once', async (t) => {
  t.equal((await runAws(['s3api', 'create-bucket', '--bucket', 'doomed'], { env })).code, 0);
  const held = await startHeld(['s3api', 'delete-bucket', '--bucket', 'doomed']);
  t.match(held.output().stderr, /s3api delete-bucket needs approval/);

  const pending = await guard(['pending', '--json'], bobToken);
  t.equal(pending.code, 0, pending.stderr);
  const listed = JSON.parse(pending.stdout) as { id: string; argv: string[]; requester: { agent: string } }[];
  t.match(listed.find((r) => r.id === held.approvalId), { argv: ['s3api', 'delete-bucket', '--bucket', 'doomed'], requester: { agent: 'claude-1' } });

  const self = await guard(['approve', held.approvalId], aliceApprover);
  t.equal(self.code, 1, 'the human the agent acts for cannot approve');
  t.match(self.stderr, /APPROVAL_SELF_APPROVAL/);

  const approved = await guard(['approve', held.approvalId, '--reason', 'cleanup ticket 42'], bobToken);
  t.equal(approved.code, 0, approved.stderr);
  t.equal(await held.exit, 0, `the agent's command ran (${held.output().stderr})`);
  t.notMatch(await buckets(), /doomed/, 'the bucket is gone');

  const again = await guard(['approve', held.approvalId], bobToken);
  t.equal(again.code, 1, 'an executed approval cannot be approved again');
});

t.test('a denial reaches the agent as AccessDenied with the reason', async (t) => {
  await runAws(['s3api', 'create-bucket', '--bucket', 'keep-me'], { env });
  const held = await startHeld(['s3api', 'delete-bucket', '--bucket', 'keep-me']);
  const noReason = await guard(['deny', held.approvalId], bobToken);
  t.equal(noReason.code, 2, 'deny needs a reason');
  const denied = await guard(['deny', held.approvalId, '--reason', 'this bucket holds the invoices'], bobToken);
  t.equal(denied.code, 0, denied.stderr);
  t.equal(await held.exit, 255);
  t.match(held.output().stderr, /An error occurred \(AccessDenied\) when calling the DeleteBucket operation: denied by aws-guard: denied by bob-laptop: this bucket holds the invoices/);
  t.match(await buckets(), /keep-me/, 'the bucket is still there');
});

t.test('when the wait runs out, the approved identical re-run executes at once', async (t) => {
  await runAws(['s3api', 'create-bucket', '--bucket', 'later'], { env });
  const held = await startHeld(['s3api', 'delete-bucket', '--bucket', 'later'], { AWS_GUARD_APPROVAL_WAIT: '1s' });
  t.equal(await held.exit, 255);
  t.match(held.output().stderr, /stays pending .* once approved, run the identical command again/);
  t.equal((await guard(['approve', held.approvalId], bobToken)).code, 0);
  const rerun = await runAws(['s3api', 'delete-bucket', '--bucket', 'later'], { env });
  t.equal(rerun.code, 0, rerun.stderr);
  t.notMatch(rerun.stderr, /needs approval/, 'no second wait');
  t.notMatch(await buckets(), /later/);
});
