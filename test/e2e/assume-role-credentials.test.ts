// A broker in assume-role mode against the emulator: the CLI runs as the assumed role, AssumeRole names the
// human, agent, session and request, and the audit joins to CloudTrail without ever holding a secret.
import t from 'tap';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import { startMoto } from '../helpers/moto.js';
import { startRecordingProxy } from '../helpers/recording-proxy.js';
import { startBroker } from '../helpers/broker.js';
import { agentEnv, runAws } from '../helpers/shim.js';
import { freePort } from '../helpers/free-port.js';

const ROLE = 'arn:aws:iam::123456789012:role/aws-guard-agent';
const moto = await startMoto();
t.teardown(moto.stop);
// The proxy is the broker's trusted endpoint: it sees the broker's AssumeRole and the CLI's calls.
const proxy = await startRecordingProxy(moto.url);
t.teardown(proxy.close);
// A 1 min time limit makes STS's 900 s minimum session reusable (900 s ≥ 60 s + the 60 s margin).
const broker = await startBroker({ endpointUrl: proxy.url, args: ['--credentials-mode', 'assume-role', '--exec-timeout', '1m'], env: { AWS_GUARD_ROLE_ARN: ROLE } });
t.teardown(broker.stop);
const token = await broker.token({ agent: 'e2e-agent', human: 'Carol Jones' });
const sessionId = String(decodeJwt(token)['sid']);
const env = await agentEnv(broker.url, token);

type Rec = { type: string; code?: string; requestId?: string; data: Record<string, unknown> };
const auditText = () => readFile(join(broker.dataDir, 'audit', 'audit.jsonl'), 'utf8');
const records = async (): Promise<Rec[]> => (await auditText()).trim().split('\n').map((l) => JSON.parse(l) as Rec);
/** Every secret STS handed out, from the answers the proxy saw. */
const mintedSecrets = () =>
  proxy.requests
    .filter((r) => new URLSearchParams(r.body).get('Action') === 'AssumeRole')
    .flatMap((r) => [...r.response.matchAll(/<(SecretAccessKey|SessionToken)>([^<]+)</g)].map((m) => m[2]!));

t.test('get-caller-identity through the shim shows the assumed role, named by the agent session', async (t) => {
  const res = await runAws(['sts', 'get-caller-identity'], { env });
  t.equal(res.code, 0, res.stderr);
  const who = JSON.parse(res.stdout.toString()) as { Arn: string };
  t.equal(who.Arn, `arn:aws:sts::123456789012:assumed-role/aws-guard-agent/${sessionId}`);
  t.notMatch(broker.stderr(), /passthrough/, 'no passthrough warning in assume-role mode');
});

t.test('the AssumeRole request names the human, agent, session and request', async (t) => {
  const sent = proxy.actions('AssumeRole');
  t.equal(sent.length, 1);
  const p = sent[0]!;
  const executed = (await records()).filter((r) => r.type === 'command.executed');
  t.match(Object.fromEntries(p), {
    RoleArn: ROLE,
    RoleSessionName: sessionId,
    SourceIdentity: 'Carol-Jones',
    DurationSeconds: '900',
    'Tags.member.1.Key': 'aws-guard:agent', 'Tags.member.1.Value': 'e2e-agent',
    'Tags.member.2.Key': 'aws-guard:session', 'Tags.member.2.Value': sessionId,
    'Tags.member.3.Key': 'aws-guard:request', 'Tags.member.3.Value': executed[0]?.requestId,
  });
});

t.test('the audit records role, session name and access key id, and the secret appears nowhere', async (t) => {
  await runAws(['sts', 'get-caller-identity'], { env });
  const executed = (await records()).filter((r) => r.type === 'command.executed');
  t.equal(executed.length, 2);
  const [first, second] = executed.map((r) => r.data['credentials'] as Record<string, unknown>);
  t.match(first, { mode: 'assume-role', roleArn: ROLE, sessionName: sessionId, sourceIdentity: 'Carol-Jones', accessKeyId: /^ASIA/, requestTag: executed[0]!.requestId, reused: false });
  t.match(second, { accessKeyId: first!['accessKeyId'], requestTag: executed[0]!.requestId, reused: true }, 'the second command reuses the session');
  t.equal(proxy.actions('AssumeRole').length, 1, 'one AssumeRole for both');
  // credentials.issued says the same before each CLI starts: minted once, then reused.
  const issued = (await records()).filter((r) => r.type === 'credentials.issued');
  t.same(issued.map((r) => r.requestId), executed.map((r) => r.requestId), 'one credentials.issued per command');
  t.same(issued.map((r) => r.data), [first, second], 'the same non-secret fields as the command records');
  t.same(Object.keys(issued[0]!.data).sort(), ['accessKeyId', 'expiresAt', 'mappingId', 'mode', 'requestTag', 'reused', 'roleArn', 'sessionName', 'sourceIdentity']);
  const secrets = mintedSecrets();
  t.equal(secrets.length, 2, 'the secret key and the session token of the session');
  const audit = await auditText();
  for (const secret of secrets) {
    t.notOk(audit.includes(secret), 'not in the audit file');
    t.notOk(broker.stderr().includes(secret), 'not in the broker log');
  }
});

t.test('STS unreachable: the command does not run, the agent gets a clear error, the audit says why', async (t) => {
  const closed = `http://127.0.0.1:${await freePort()}`;
  const down = await startBroker({ endpointUrl: closed, args: ['--credentials-mode', 'assume-role', '--role-arn', ROLE] });
  t.teardown(down.stop);
  const res = await runAws(['sts', 'get-caller-identity'], { env: await agentEnv(down.url, await down.token()) });
  t.equal(res.code, 255);
  t.match(res.stderr, `could not reach STS at ${closed} to assume ${ROLE}`);
  const failed = (await readFile(join(down.dataDir, 'audit', 'audit.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as Rec).filter((r) => r.type === 'command.failed');
  t.match(failed, [{ code: 'CREDENTIALS_ASSUME_FAILED', data: { stage: 'credentials', reason: /could not reach STS/ } }]);
});

t.test('the default passthrough mode warns at start; assume-role without a role does not start', async (t) => {
  const pass = await startBroker({ endpointUrl: moto.url });
  t.teardown(pass.stop);
  // Written right after the listening line, which may arrive in an earlier chunk.
  for (let i = 0; i < 50 && !pass.stderr().includes('credentials mode is passthrough'); i++) await new Promise((r) => setTimeout(r, 100));
  t.match(pass.stderr(), /aws-guard: warning: credentials mode is passthrough/);
  const bad = startBroker({ args: ['--credentials-mode', 'assume-role'] });
  await t.rejects(bad, /credentials\.roleArn: required when credentials\.mode is assume-role/);
});
