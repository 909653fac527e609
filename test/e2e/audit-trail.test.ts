// Every command leaves `command.requested` (durable before the CLI starts), its decision, its credentials, its
// start and its outcome in a hash chain that verifies; when the audit cannot be written, nothing runs and the
// agent is told why.
import t from 'tap';
import { spawn } from 'node:child_process';
import { readFile, rename, symlink, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { verifyChain } from '@aws-guard/shared/audit/hash-chain';
import { startMoto } from '../helpers/moto.js';
import { startBroker } from '../helpers/broker.js';
import { agentEnv, runAws, shimBinDir } from '../helpers/shim.js';
import { runAwsDirect } from '../helpers/real-aws.js';
import { runGuard } from '../helpers/guard-cli.js';

const moto = await startMoto();
t.teardown(moto.stop);
const broker = await startBroker({ endpointUrl: moto.url });
t.teardown(broker.stop);
const token = await broker.token({ agent: 'audit-agent', human: 'bob' });
const env = await agentEnv(broker.url, token);
const auditFile = join(broker.dataDir, 'audit', 'audit.jsonl');

type Rec = { type: string; requestId?: string; sessionId?: string; actor: { kind: string; agent?: string; human?: string }; data: Record<string, unknown> };
const records = async (): Promise<Rec[]> => (await readFile(auditFile, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as Rec);

const STEPS = ['command.requested', 'command.decided', 'credentials.issued', 'command.started', 'command.executed'];
const byRequest = (all: readonly Rec[]): Map<string, Rec[]> => {
  const map = new Map<string, Rec[]>();
  for (const r of all) if (r.requestId) map.set(r.requestId, [...(map.get(r.requestId) ?? []), r]);
  return map;
};

t.test('each command is requested, decided, given credentials, started and executed, in one chain that verifies', async (t) => {
  const before = (await records()).length;
  const commands = [['s3api', 'create-bucket', '--bucket', 'audited'], ['s3api', 'list-buckets'], ['s3api', 'head-bucket', '--bucket', 'nope']];
  for (const argv of commands) await runAws(argv, { env });
  const all = (await records()).slice(before);
  const requests = byRequest(all);
  t.equal(requests.size, commands.length, 'one request id per command');
  for (const [, recs] of requests) {
    t.same(recs.map((r) => r.type), STEPS, 'the steps, in order');
    t.equal(recs[0]!.actor.agent, 'audit-agent');
    t.equal(recs[0]!.actor.human, 'bob');
    t.match(recs[1]!.data, { decision: 'allow', rule: String, policyHash: /^[0-9a-f]{64}$/, risk: String, timeoutMs: null }, 'decided: the decision and what it rests on');
    // The broker runs on the environment's keys (passthrough): their id is recorded, never the secret.
    t.match(recs[2]!.data, { mode: 'passthrough', accessKeyId: 'test', reused: false, roleArn: null, mappingId: null });
    t.equal(recs[2]!.data['secretAccessKey'], undefined, 'no secret key field');
    t.equal(recs[2]!.data['sessionToken'], undefined, 'no session token field');
    t.type(recs[3]!.data['pid'], 'number', 'started names the CLI process');
    t.equal(recs[4]!.data['rule'], recs[1]!.data['rule'], 'executed keeps the deciding rule');
    t.equal(recs[4]!.data['policyHash'], recs[1]!.data['policyHash'], 'and the policy hash');
  }
  t.same([...requests.values()].map((r) => r[0]!.data['argv']), commands, 'argv recorded as sent');
  t.same([...requests.values()].map((r) => r.at(-1)!.data['exitCode']), [0, 0, 255], 'exit codes recorded');
  // Each connection's token.accepted comes right before its command, with the token's id and never the token.
  for (const [, recs] of requests) {
    const at = all.indexOf(recs[0]!);
    t.match(all[at - 1], { type: 'token.accepted', sessionId: recs[0]!.sessionId, actor: { kind: 'agent', agent: 'audit-agent', human: 'bob', role: 'agent' },
      data: { channel: 'agent', tokenId: recs[0]!.data['tokenId'], issuer: 'aws-guard', keyId: String, groups: [], expiresAt: String, remoteAddress: '127.0.0.1' } });
  }
  t.notOk((await readFile(auditFile, 'utf8')).includes(token), 'the token itself is nowhere in the audit');
  const verdict = await verifyChain((await readFile(auditFile, 'utf8')).trim().split('\n'));
  t.ok(verdict.ok, 'the chain verifies');
  const cli = await runGuard(['audit', 'verify', '--data-dir', broker.dataDir]);
  t.equal(cli.code, 0, `aws-guard audit verify finds and verifies the broker's log: ${cli.stdout}${cli.stderr}`);
});

t.test('a refused command is decided (deny, with the rule and code), then refused: no credentials, no start', async (t) => {
  const before = (await records()).length;
  const res = await runAws(['configure', 'list'], { env });
  t.not(res.code, 0);
  const [recs] = [...byRequest((await records()).slice(before)).values()];
  t.same(recs?.map((r) => r.type), ['command.requested', 'command.decided', 'command.refused']);
  t.match(recs?.[1]?.data, { decision: 'deny', rule: 'forbidden:LOCAL_ONLY_COMMAND', code: 'LOCAL_ONLY_COMMAND', reason: String });
});

t.test('an approved command: decided approve, the approval steps, then credentials, start and end', async (t) => {
  t.equal((await runAws(['s3api', 'create-bucket', '--bucket', 'approve-me'], { env })).code, 0);
  const before = (await records()).length;
  const child = spawn(join(await shimBinDir(), 'aws'), ['s3api', 'delete-bucket', '--bucket', 'approve-me'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  const exit = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const approvalId = await new Promise<string>((resolve, reject) => {
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
      const m = /approval (apr_[\w-]+)/.exec(stderr);
      if (m) resolve(m[1]!);
    });
    void exit.then(() => reject(new Error(`the shim ended before waiting: ${stderr}`)));
  });
  const approver = await broker.token({ agent: 'carol-laptop', human: 'carol', role: 'approver' });
  const approved = await runGuard(['approve', approvalId, '--broker', broker.url, '--token', approver]);
  t.equal(approved.code, 0, approved.stderr);
  t.equal(await exit, 0);
  const all = (await records()).slice(before);
  const [recs] = [...byRequest(all).values()];
  t.same(recs?.map((r) => r.type), ['command.requested', 'command.decided', 'approval.requested', 'approval.approved', 'approval.consumed', 'credentials.issued', 'command.started', 'command.executed']);
  t.match(recs?.[1]?.data, { decision: 'approve', code: 'APPROVAL_REQUIRED', approval: { approvers: 1 } });
  t.match(all.find((r) => r.type === 'token.accepted' && r.actor.human === 'carol'), { actor: { kind: 'approver', role: 'approver' }, data: { channel: 'approver' } }, "the approver's connection is accepted too");
});

t.test('when the audit append fails, the command does not run and the agent gets a clear error', async (t) => {
  // Tests run as root, so permissions cannot stop a write: a full device can.
  await rename(auditFile, `${auditFile}.saved`);
  await symlink('/dev/full', auditFile);
  const res = await runAws(['s3api', 'create-bucket', '--bucket', 'must-not-exist'], { env });
  await rm(auditFile);
  await rename(`${auditFile}.saved`, auditFile);
  t.equal(res.code, 255);
  // The connection itself is refused: its token.accepted could not be written (503 AUDIT_UNAVAILABLE).
  t.match(res.stderr, /^aws-guard: .*the broker cannot write its audit log.*AUDIT_UNAVAILABLE/);
  const buckets = await runAwsDirect(['s3api', 'list-buckets', '--query', 'Buckets[].Name', '--output', 'text'], moto.url);
  t.notMatch(buckets.stdout.toString(), /must-not-exist/, 'the bucket was not created');

  const after = await runAws(['s3api', 'list-buckets'], { env });
  t.equal(after.code, 0, 'commands run again once the audit can be written');
  const verdict = await verifyChain((await readFile(auditFile, 'utf8')).trim().split('\n'));
  t.ok(verdict.ok, 'and the chain still verifies');
});
