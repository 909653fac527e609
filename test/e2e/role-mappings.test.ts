// Multi-account role mappings against the emulator: the policy's `credentials` list gives agents in group team-a
// a role in account 1 and team-b a role in account 2; an agent in neither runs with the broker's own mode. A
// rule's `timeout` reaches STS as the session length (limit + 60 s).
import t from 'tap';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import { startMoto } from '../helpers/moto.js';
import { startRecordingProxy } from '../helpers/recording-proxy.js';
import { startBroker } from '../helpers/broker.js';
import { agentEnv, runAws } from '../helpers/shim.js';

const ROLE_A = 'arn:aws:iam::111111111111:role/agents-a';
const ROLE_B = 'arn:aws:iam::222222222222:role/agents-b';
const POLICY = `version: 1
rules:
  - id: whoami
    effect: allow
    actions: ['sts:GetCallerIdentity']
    timeout: 30m
credentials:
  - id: team-a
    groups: [team-a]
    roleArn: ${ROLE_A}
    externalId: team-a-ext
  - id: team-b
    groups: [team-b]
    roleArn: ${ROLE_B}
`;

const moto = await startMoto();
t.teardown(moto.stop);
// The proxy is the broker's trusted endpoint: it records the broker's AssumeRole calls (moto does not echo them).
const proxy = await startRecordingProxy(moto.url);
t.teardown(proxy.close);
const dir = await mkdtemp(join(tmpdir(), 'aws-guard-roles-'));
const policyFile = join(dir, 'policy.yaml');
await writeFile(policyFile, POLICY);
// The default passthrough mode: a mapping still means AssumeRole with the broker's own credentials.
const broker = await startBroker({ endpointUrl: proxy.url, args: ['--policy', policyFile] });
t.teardown(broker.stop);

type Rec = { type: string; sessionId?: string; data: Record<string, unknown> };
const records = async (): Promise<Rec[]> =>
  (await readFile(join(broker.dataDir, 'audit', 'audit.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as Rec);
const whoAmI = async (token: string): Promise<string> => {
  const res = await runAws(['sts', 'get-caller-identity'], { env: await agentEnv(broker.url, token) });
  if (res.code !== 0) throw new Error(`get-caller-identity failed (${res.code}): ${res.stderr}`);
  return (JSON.parse(res.stdout.toString()) as { Arn: string }).Arn;
};

const alice = await broker.token({ agent: 'agent-a', human: 'alice', groups: ['team-a'] });
const bob = await broker.token({ agent: 'agent-b', human: 'bob', groups: ['dev', 'team-b'] });
const carol = await broker.token({ agent: 'agent-c', human: 'carol', groups: ['dev'] });
const sid = (token: string) => String(decodeJwt(token)['sid']);

t.test('two tokens in different groups run as different roles in different accounts', async (t) => {
  t.equal(await whoAmI(alice), `arn:aws:sts::111111111111:assumed-role/agents-a/${sid(alice)}`);
  t.equal(await whoAmI(bob), `arn:aws:sts::222222222222:assumed-role/agents-b/${sid(bob)}`);
  const sent = proxy.actions('AssumeRole');
  t.same(
    sent.map((p) => [p.get('RoleArn'), p.get('RoleSessionName'), p.get('SourceIdentity'), p.get('ExternalId')]),
    [
      [ROLE_A, sid(alice), 'alice', 'team-a-ext'],
      [ROLE_B, sid(bob), 'bob', null],
    ],
  );
  t.same(sent.map((p) => p.get('DurationSeconds')), ['1860', '1860'], "the whoami rule's 30 min limit + 60 s, not the 15 min default");
});

t.test('a token in no mapped group runs with the broker\'s configured mode, without AssumeRole', async (t) => {
  const before = proxy.actions('AssumeRole').length;
  t.notMatch(await whoAmI(carol), /assumed-role/);
  t.equal(proxy.actions('AssumeRole').length, before);
});

t.test('the audit names the mapping and the role of every command', async (t) => {
  const executed = (await records()).filter((r) => r.type === 'command.executed');
  const bySession = (token: string) => executed.find((r) => r.sessionId === sid(token))?.data['credentials'];
  t.match(bySession(alice), { mode: 'assume-role', roleArn: ROLE_A, mappingId: 'team-a', sessionName: sid(alice), accessKeyId: /^ASIA/ });
  t.match(bySession(bob), { mode: 'assume-role', roleArn: ROLE_B, mappingId: 'team-b', sessionName: sid(bob) });
  t.match(bySession(carol), { mode: 'passthrough', roleArn: null, mappingId: null });
});
