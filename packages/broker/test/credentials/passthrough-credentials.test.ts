import t from 'tap';
import { createPassthroughCredentials } from '@aws-guard/broker/credentials/passthrough-credentials';
import { createCredentialSource } from '@aws-guard/broker/credentials/create-credential-source';
import type { CredentialRequest } from '@aws-guard/broker/credentials/credential-source';

const request: CredentialRequest = { requestId: 'req_1', identity: { agent: 'claude', human: 'alice', sessionId: 'ses_1' }, timeoutMs: 900_000 };
const OWN = { accessKeyId: 'AKIABROKEROWNKEY0001', secretAccessKey: 'BrokerOwnSecret/0123456789+abcdefghijKLMN' };

t.test('passthrough hands every command the broker\'s own credentials, unchanged', async (t) => {
  const got = await createPassthroughCredentials(async () => OWN).forCommand(request);
  t.ok(got.ok);
  if (!got.ok) return;
  t.same(got.value.credentials, { ...OWN, sessionToken: undefined });
  t.same(got.value.audit, { mode: 'passthrough', roleArn: null, sessionName: null, sourceIdentity: null, accessKeyId: OWN.accessKeyId, expiresAt: null, requestTag: null, reused: false, mappingId: null });
  t.notMatch(JSON.stringify(got.value.audit), OWN.secretAccessKey);
});

t.test('temporary base credentials keep their token and report their expiry', async (t) => {
  const expiration = new Date('2030-01-01T00:00:00Z');
  const got = await createPassthroughCredentials(async () => ({ ...OWN, sessionToken: 'tok', expiration })).forCommand(request);
  t.ok(got.ok && got.value.credentials.sessionToken === 'tok' && got.value.audit.expiresAt === '2030-01-01T00:00:00.000Z');
});

t.test('no credentials at all is CREDENTIALS_UNAVAILABLE with the first line of why', async (t) => {
  const got = await createPassthroughCredentials(async () => {
    throw new Error('Could not load credentials from any providers\nstack');
  }).forCommand(request);
  t.same(!got.ok && got.issue, { code: 'CREDENTIALS_UNAVAILABLE', message: 'the broker has no AWS credentials: Could not load credentials from any providers' });
});

t.test('the configured mode is built, and only passthrough warns', async (t) => {
  const base = async () => OWN;
  const pass = createCredentialSource({ mode: 'passthrough' }, { region: undefined, endpoint: undefined, base });
  t.equal(pass.source.mode, 'passthrough');
  t.match(pass.warning, /passthrough.*CloudTrail cannot tell who asked/);
  const role = 'arn:aws:iam::123456789012:role/agents';
  const assume = createCredentialSource({ mode: 'assume-role', roleArn: role, externalId: undefined, durationSeconds: undefined }, { region: undefined, endpoint: 'http://127.0.0.1:1', base });
  t.same([assume.source.mode, assume.source.roleArn, assume.warning], ['assume-role', role, null]);
});
