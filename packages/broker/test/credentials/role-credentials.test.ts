// Roles chosen by the policy's mappings: assumed in either broker mode (a mapping always means AssumeRole with the
// broker's own credentials), cached per role and identity, audited with the role ARN and the mapping id.
import t from 'tap';
import { createCredentialSource } from '@aws-guard/broker/credentials/create-credential-source';
import type { CredentialRequest, RoleTarget } from '@aws-guard/broker/credentials/credential-source';
import { startFakeSts } from './fake-sts.js';

const CONFIGURED = 'arn:aws:iam::123456789012:role/aws-guard-agent';
const TEAM_A: RoleTarget = { mappingId: 'team-a', roleArn: 'arn:aws:iam::111111111111:role/agents-a', externalId: 'ext-a' };
const TEAM_B: RoleTarget = { mappingId: 'team-b', roleArn: 'arn:aws:iam::222222222222:role/agents-b', durationSeconds: 3600 };
const BASE = Object.freeze({ accessKeyId: 'AKIABROKEROWNKEY0001', secretAccessKey: 'BrokerOwnSecret/0123456789+abcdefghijKLMN' });
const MIN = 60_000;

const ms = Date.UTC(2030, 0, 1);
const clock = () => new Date(ms);
const sts = await startFakeSts({ now: clock });
t.teardown(sts.close);
const where = { region: 'us-east-1', endpoint: sts.url, base: async () => BASE, clock };

const command = (over: Partial<CredentialRequest> = {}): CredentialRequest => ({
  requestId: 'req_1',
  identity: { agent: 'claude', human: 'alice', sessionId: 'ses_1' },
  timeoutMs: 15 * MIN,
  ...over,
});

t.test('assume-role mode: the mapped role replaces the configured one, with its ExternalId and duration', async (t) => {
  const { source } = createCredentialSource({ mode: 'assume-role', roleArn: CONFIGURED, externalId: 'ext-configured', durationSeconds: undefined }, where);
  const before = sts.calls.length;
  const mapped = await source.forCommand(command({ role: TEAM_A }));
  t.match(mapped, { ok: true, value: { audit: { mode: 'assume-role', roleArn: TEAM_A.roleArn, mappingId: 'team-a', sessionName: 'ses_1', sourceIdentity: 'alice' } } });
  const sent = sts.calls.slice(before);
  t.same(sent.map((p) => [p.get('RoleArn'), p.get('ExternalId'), p.get('DurationSeconds')]), [[TEAM_A.roleArn, 'ext-a', '960']]);

  const b = await source.forCommand(command({ role: TEAM_B }));
  t.match(b, { ok: true, value: { audit: { roleArn: TEAM_B.roleArn, mappingId: 'team-b' } } });
  t.equal(sts.calls.at(-1)?.get('DurationSeconds'), '3600', "the mapping's durationSeconds");
  t.equal(sts.calls.at(-1)?.get('ExternalId'), null, 'no ExternalId: not the configured one');

  const unmapped = await source.forCommand(command());
  t.match(unmapped, { ok: true, value: { audit: { roleArn: CONFIGURED, mappingId: null } } });
  t.equal(sts.calls.at(-1)?.get('ExternalId'), 'ext-configured');
  t.equal(sts.calls.length - before, 3, 'one session per role for the same agent session');
});

t.test('sessions are cached per role and identity: never shared across roles, nor across agent sessions', async (t) => {
  const { source } = createCredentialSource({ mode: 'assume-role', roleArn: CONFIGURED, externalId: undefined, durationSeconds: 3600 }, where);
  const before = sts.calls.length;
  const keyOf = async (over: Partial<CredentialRequest>) => {
    const got = await source.forCommand(command(over));
    return got.ok ? [got.value.credentials.accessKeyId, got.value.audit.reused] : got.issue.code;
  };
  const [a1] = (await keyOf({ role: TEAM_B })) as [string];
  t.same(await keyOf({ role: TEAM_B, requestId: 'req_2' }), [a1, true], 'same role, same agent session: reused');
  const [b1] = (await keyOf({})) as [string];
  t.not(b1, a1, 'the configured role: its own session');
  const [a2] = (await keyOf({ role: TEAM_B, identity: { agent: 'claude', human: 'alice', sessionId: 'ses_2' } })) as [string];
  t.not(a2, a1, 'another agent session: its own session');
  t.same(await keyOf({ role: { ...TEAM_B, mappingId: 'team-b-again' } }), [a1, true], 'the same role through another mapping id: the same session');
  const audit = await source.forCommand(command({ role: { ...TEAM_B, mappingId: 'team-b-again' } }));
  t.equal(audit.ok && audit.value.audit.mappingId, 'team-b-again', "the audit names this command's mapping, not the minting one");
  t.equal(sts.calls.length - before, 3);
});

t.test('passthrough mode: unmapped commands get the broker\'s own keys without STS; mapped ones assume the role', async (t) => {
  const { source, warning } = createCredentialSource({ mode: 'passthrough' }, where);
  t.match(warning, /passthrough/, 'the start-up warning stays: unmapped callers still run as the broker');
  t.match(source, { mode: 'passthrough', roleArn: null });
  const before = sts.calls.length;
  const own = await source.forCommand(command());
  t.match(own, { ok: true, value: { credentials: { accessKeyId: BASE.accessKeyId }, audit: { mode: 'passthrough', roleArn: null, mappingId: null } } });
  t.equal(sts.calls.length, before, 'no STS call');

  const mapped = await source.forCommand(command({ role: TEAM_A }));
  t.match(mapped, { ok: true, value: { audit: { mode: 'assume-role', roleArn: TEAM_A.roleArn, mappingId: 'team-a', accessKeyId: /^ASIAFAKE/ } } });
  t.not(mapped.ok && mapped.value.credentials.secretAccessKey, BASE.secretAccessKey);
  t.same(sts.calls.slice(before).map((p) => p.get('RoleArn')), [TEAM_A.roleArn]);
});

t.test('a mapped role STS refuses names that role in the message', async (t) => {
  const { source } = createCredentialSource({ mode: 'passthrough' }, { ...where, endpoint: 'http://127.0.0.1:1' });
  const got = await source.forCommand(command({ role: TEAM_B }));
  t.match(got, { ok: false, issue: { code: 'CREDENTIALS_ASSUME_FAILED', message: /^could not reach STS at http:\/\/127\.0\.0\.1:1 to assume arn:aws:iam::222222222222:role\/agents-b/ } });
});
