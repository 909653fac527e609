// Assume-role mode against a real emulator (moto) behind a loopback proxy that keeps what was sent:
// moto answers AssumeRole but does not echo SourceIdentity or the tags, so those are asserted on the request.
import t from 'tap';
import { createServer } from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { createAssumeRoleCredentials, type AssumeRoleOptions } from '@aws-guard/broker/credentials/assume-role-credentials';
import type { CredentialRequest } from '@aws-guard/broker/credentials/credential-source';
import { startMoto } from '../../../../test/helpers/moto.js';
import { startRecordingProxy } from '../../../../test/helpers/recording-proxy.js';
import { freePort } from '../../../../test/helpers/free-port.js';

const ROLE = 'arn:aws:iam::123456789012:role/aws-guard-agent';
// moto accepts any keys; these are long enough to be recognisable if they ever leaked into a message.
const BASE = Object.freeze({ accessKeyId: 'AKIABROKEROWNKEY0001', secretAccessKey: 'BrokerOwnSecret/0123456789+abcdefghijKLMN' });
const MIN = 60_000;

const moto = await startMoto();
t.teardown(moto.stop);
const proxy = await startRecordingProxy(moto.url);
t.teardown(proxy.close);

const request = (over: Partial<CredentialRequest> = {}): CredentialRequest => ({
  requestId: 'req_0001',
  identity: { agent: 'claude', human: 'alice@example.com', sessionId: 'ses_a1' },
  timeoutMs: 15 * MIN,
  ...over,
});
const source = (over: Partial<AssumeRoleOptions> = {}) =>
  createAssumeRoleCredentials({ roleArn: ROLE, region: 'us-east-1', endpoint: proxy.url, base: async () => BASE, ...over });
const assumeCalls = () => proxy.actions('AssumeRole');

t.test('the assumed credentials work: GetCallerIdentity shows the assumed role and the session name', async (t) => {
  const got = await source().forCommand(request());
  t.ok(got.ok, got.ok ? '' : got.issue.message);
  if (!got.ok) return;
  const { credentials, audit } = got.value;
  t.match(credentials.accessKeyId, /^ASIA/);
  t.not(credentials.secretAccessKey, BASE.secretAccessKey, 'not the broker\'s own keys');
  t.ok(credentials.sessionToken);
  const who = await new STSClient({ region: 'us-east-1', endpoint: moto.url, credentials: { ...credentials } }).send(new GetCallerIdentityCommand({}));
  t.equal(who.Arn, 'arn:aws:sts::123456789012:assumed-role/aws-guard-agent/ses_a1');
  t.same(audit, {
    mode: 'assume-role',
    roleArn: ROLE,
    sessionName: 'ses_a1',
    sourceIdentity: 'alice@example.com',
    accessKeyId: credentials.accessKeyId,
    expiresAt: audit.expiresAt,
    requestTag: 'req_0001',
    reused: false,
    mappingId: null,
  });
  t.notMatch(JSON.stringify(audit), credentials.secretAccessKey, 'the audit view holds no secret');
  t.notMatch(JSON.stringify(audit), credentials.sessionToken!.slice(0, 30));
});

t.test('the request sent carries SourceIdentity, the session tags, the session name, the duration and the ExternalId', async (t) => {
  const before = assumeCalls().length;
  const got = await source({ externalId: 'ext-4242' }).forCommand(request({ requestId: 'req_tags', identity: { agent: 'claude code', human: 'Bob Smith', sessionId: 'ses_tags' }, timeoutMs: 20 * MIN }));
  t.ok(got.ok);
  const sent = assumeCalls().slice(before);
  t.equal(sent.length, 1);
  const p = sent[0]!;
  t.equal(p.get('RoleArn'), ROLE);
  t.equal(p.get('RoleSessionName'), 'ses_tags');
  t.equal(p.get('SourceIdentity'), 'Bob-Smith', 'the human, sanitised');
  t.equal(p.get('ExternalId'), 'ext-4242');
  t.equal(p.get('DurationSeconds'), String(21 * 60), 'the time limit plus the refresh margin');
  const tags: Record<string, string> = {};
  for (let i = 1; p.has(`Tags.member.${i}.Key`); i++) tags[p.get(`Tags.member.${i}.Key`)!] = p.get(`Tags.member.${i}.Value`)!;
  t.same(tags, { 'aws-guard:agent': 'claude code', 'aws-guard:session': 'ses_tags', 'aws-guard:request': 'req_tags' });
});

t.test('one session per identity is reused while it covers a command, and refreshed shortly before it would not', async (t) => {
  let ms = Date.now();
  const creds = source({ durationSeconds: 3600, clock: () => new Date(ms) });
  const before = assumeCalls().length;
  const first = await creds.forCommand(request({ requestId: 'req_1' }));
  const second = await creds.forCommand(request({ requestId: 'req_2' }));
  t.ok(first.ok && second.ok);
  if (!first.ok || !second.ok) return;
  t.equal(assumeCalls().length - before, 1, 'one AssumeRole for two commands');
  t.equal(second.value.credentials.accessKeyId, first.value.credentials.accessKeyId);
  t.match(second.value.audit, { reused: true, requestTag: 'req_1', sessionName: 'ses_a1' }, 'the tag names the request that minted the session');

  const other = await creds.forCommand(request({ requestId: 'req_3', identity: { agent: 'claude', human: 'bob', sessionId: 'ses_b' } }));
  t.ok(other.ok && !other.value.audit.reused, 'another identity gets its own session');
  t.equal(assumeCalls().length - before, 2);

  // 3600 s session, 15 min limit + 1 min margin: reusable for 44 minutes.
  const expiresAt = Date.parse(first.value.audit.expiresAt!);
  ms = expiresAt - 16 * MIN;
  const late = await creds.forCommand(request({ requestId: 'req_4' }));
  t.ok(late.ok && late.value.audit.reused, 'still covers a whole command: reused');
  ms += 1000;
  const refreshed = await creds.forCommand(request({ requestId: 'req_5' }));
  t.ok(refreshed.ok && !refreshed.value.audit.reused, 'refreshed');
  if (refreshed.ok) {
    t.not(refreshed.value.credentials.accessKeyId, first.value.credentials.accessKeyId, 'new keys');
    t.equal(refreshed.value.audit.requestTag, 'req_5');
  }
  t.equal(assumeCalls().length - before, 3);
});

t.test('STS unreachable (a closed loopback port) is a value whose message holds no secret', async (t) => {
  const closed = `http://127.0.0.1:${await freePort()}`;
  const got = await source({ endpoint: closed, maxAttempts: 1 }).forCommand(request());
  t.notOk(got.ok);
  if (got.ok) return;
  t.equal(got.issue.code, 'CREDENTIALS_ASSUME_FAILED');
  t.match(got.issue.message, `could not reach STS at ${closed} to assume ${ROLE}`);
  t.match(got.issue.message, /ECONNREFUSED/);
  t.notMatch(got.issue.message, BASE.secretAccessKey);
  t.notMatch(got.issue.message, BASE.accessKeyId);
});

t.test('a silent STS (accepts, never answers) fails within the request limit', async (t) => {
  const sockets: Socket[] = [];
  const silent = createNetServer((socket) => void sockets.push(socket));
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  t.teardown(() => {
    for (const socket of sockets) socket.destroy();
    return new Promise<void>((resolve) => silent.close(() => resolve()));
  });
  const started = Date.now();
  const got = await source({ endpoint: `http://127.0.0.1:${(silent.address() as AddressInfo).port}`, maxAttempts: 1, requestTimeoutMs: 300 }).forCommand(request());
  t.ok(Date.now() - started < 5_000, 'does not hang');
  t.match(!got.ok && got.issue, { code: 'CREDENTIALS_ASSUME_FAILED', message: /^could not reach STS at .* TimeoutError/ });
});

t.test('AccessDenied from STS is a value; a secret echoed in its message is removed', async (t) => {
  // A fake STS that refuses and (unlike the real one) echoes the caller's secret back.
  const fake = createServer((req, res) => {
    req.resume();
    res.writeHead(403, { 'content-type': 'text/xml' });
    res.end(`<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>User: arn:aws:iam::123456789012:user/broker is not authorized to perform: sts:AssumeRole on resource: ${ROLE} (${BASE.secretAccessKey})</Message></Error><RequestId>1</RequestId></ErrorResponse>`);
  });
  await new Promise<void>((resolve) => fake.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => fake.close(() => resolve())));
  const got = await source({ endpoint: `http://127.0.0.1:${(fake.address() as AddressInfo).port}` }).forCommand(request());
  t.notOk(got.ok);
  if (got.ok) return;
  t.equal(got.issue.code, 'CREDENTIALS_ASSUME_FAILED');
  t.match(got.issue.message, /^STS refused to assume arn:aws:iam::123456789012:role\/aws-guard-agent: AccessDenied: User: arn:aws:iam::123456789012:user\/broker is not authorized/);
  t.notMatch(got.issue.message, BASE.secretAccessKey);
});

t.test('no base credentials is CREDENTIALS_UNAVAILABLE, and STS is not called', async (t) => {
  const before = proxy.requests.length;
  const got = await source({ base: async () => { throw new Error('Could not load credentials from any providers\nmore'); } }).forCommand(request());
  t.notOk(got.ok);
  if (got.ok) return;
  t.equal(got.issue.code, 'CREDENTIALS_UNAVAILABLE');
  t.equal(got.issue.message, `the broker has no AWS credentials to assume ${ROLE} with: Could not load credentials from any providers`);
  t.equal(proxy.requests.length, before);
});
