// Every command leaves `command.requested` (durable before the CLI starts) and its outcome in a hash
// chain that verifies; when the audit cannot be written, nothing runs and the agent is told why.
import t from 'tap';
import { readFile, rename, symlink, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { verifyChain } from '@aws-guard/shared/audit/hash-chain';
import { startMoto } from '../helpers/moto.js';
import { startBroker } from '../helpers/broker.js';
import { agentEnv, runAws } from '../helpers/shim.js';
import { runAwsDirect } from '../helpers/real-aws.js';
import { runGuard } from '../helpers/guard-cli.js';

const moto = await startMoto();
t.teardown(moto.stop);
const broker = await startBroker({ endpointUrl: moto.url });
t.teardown(broker.stop);
const env = await agentEnv(broker.url, await broker.token({ agent: 'audit-agent', human: 'bob' }));
const auditFile = join(broker.dataDir, 'audit', 'audit.jsonl');

type Rec = { type: string; requestId?: string; sessionId?: string; actor: { agent?: string; human?: string }; data: Record<string, unknown> };
const records = async (): Promise<Rec[]> => (await readFile(auditFile, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as Rec);

t.test('each command is requested, then executed, in one chain that verifies', async (t) => {
  const commands = [['s3api', 'create-bucket', '--bucket', 'audited'], ['s3api', 'list-buckets'], ['s3api', 'head-bucket', '--bucket', 'nope']];
  for (const argv of commands) await runAws(argv, { env });
  const all = await records();
  const byRequest = new Map<string, Rec[]>();
  for (const r of all) if (r.requestId) byRequest.set(r.requestId, [...(byRequest.get(r.requestId) ?? []), r]);
  t.equal(byRequest.size, commands.length, 'one request id per command');
  for (const [, recs] of byRequest) {
    t.same(recs.map((r) => r.type), ['command.requested', 'command.executed']);
    t.equal(recs[0]!.actor.agent, 'audit-agent');
    t.equal(recs[0]!.actor.human, 'bob');
  }
  t.same([...byRequest.values()].map((r) => r[0]!.data['argv']), commands, 'argv recorded as sent');
  t.same([...byRequest.values()].map((r) => r[1]!.data['exitCode']), [0, 0, 255], 'exit codes recorded');
  const verdict = await verifyChain((await readFile(auditFile, 'utf8')).trim().split('\n'));
  t.ok(verdict.ok, 'the chain verifies');
  const cli = await runGuard(['audit', 'verify', '--data-dir', broker.dataDir]);
  t.equal(cli.code, 0, `aws-guard audit verify finds and verifies the broker's log: ${cli.stdout}${cli.stderr}`);
});

t.test('when the audit append fails, the command does not run and the agent gets a clear error', async (t) => {
  // Tests run as root, so permissions cannot stop a write: a full device can.
  await rename(auditFile, `${auditFile}.saved`);
  await symlink('/dev/full', auditFile);
  const res = await runAws(['s3api', 'create-bucket', '--bucket', 'must-not-exist'], { env });
  await rm(auditFile);
  await rename(`${auditFile}.saved`, auditFile);
  t.equal(res.code, 255);
  t.match(res.stderr, /^aws-guard: the broker cannot write its audit log/);
  const buckets = await runAwsDirect(['s3api', 'list-buckets', '--query', 'Buckets[].Name', '--output', 'text'], moto.url);
  t.notMatch(buckets.stdout.toString(), /must-not-exist/, 'the bucket was not created');

  const after = await runAws(['s3api', 'list-buckets'], { env });
  t.equal(after.code, 0, 'commands run again once the audit can be written');
  const verdict = await verifyChain((await readFile(auditFile, 'utf8')).trim().split('\n'));
  t.ok(verdict.ok, 'and the chain still verifies');
});
