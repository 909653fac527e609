import t from 'tap';
import {
  assumeRoleInput,
  roleSessionName,
  sessionDurationSeconds,
  sourceIdentity,
  tagValue,
} from '@aws-guard/broker/credentials/sts-request';

const STS_NAME = /^[\w+=,.@-]{2,64}$/;

// [human, agent, SourceIdentity sent]
const identities: Array<[string, string, string]> = [
  ['alice@example.com', 'claude', 'alice@example.com'],
  ['Alice Smith', 'claude', 'Alice-Smith'],
  ['', 'ci-bot', 'ci-bot'],
  ['   ', 'ci-bot', 'ci-bot'],
  ['aws:root', 'claude', 'aws-root'],
  ['Zoë', 'claude', 'Zo-'],
  ['x', 'claude', 'x_'],
  ['a'.repeat(80), 'claude', 'a'.repeat(64)],
  ['bob/../../etc', 'claude', 'bob-..-..-etc'],
];

t.test('SourceIdentity is the human, else the agent, cut to what STS accepts', async (t) => {
  for (const [human, agent, expected] of identities) {
    const got = sourceIdentity({ human, agent });
    t.equal(got, expected, JSON.stringify(human));
    t.match(got, STS_NAME, `${JSON.stringify(human)} fits STS`);
    t.notOk(got.startsWith('aws:'), 'never the reserved aws: prefix');
  }
});

t.test('the session name is the agent session id, cut to 2-64 characters of [\\w+=,.@-]', async (t) => {
  t.equal(roleSessionName('ses_0123456789abcdef0123'), 'ses_0123456789abcdef0123');
  t.equal(roleSessionName('ses with spaces/and:colons'), 'ses-with-spaces-and-colons');
  t.equal(roleSessionName('s'), 's_');
  t.equal(roleSessionName('s'.repeat(100)).length, 64);
  for (const id of ['', '€', 'a b', 'x'.repeat(65)]) t.match(roleSessionName(id), STS_NAME, JSON.stringify(id));
});

t.test('tag values keep letters, digits, spaces and _.:/=+-@, at most 256 characters', async (t) => {
  t.equal(tagValue('claude-code@host'), 'claude-code@host');
  t.equal(tagValue('Zoë agent'), 'Zoë agent', 'unicode letters and spaces are allowed');
  t.equal(tagValue('a;b$c'), 'a_b_c');
  t.equal(tagValue('x'.repeat(300)).length, 256);
});

// [timeout ms, margin ms, configured, DurationSeconds]
const durations: Array<[number, number, number | undefined, number, string]> = [
  [60_000, 60_000, undefined, 900, 'a short command still gets the STS minimum'],
  [15 * 60_000, 60_000, undefined, 960, 'the default 15 min limit plus the margin'],
  [15 * 60_000, 60_000, 3600, 3600, 'a longer configured session wins'],
  [2 * 3_600_000, 60_000, 3600, 7260, 'raised to cover a command longer than the configured session'],
  [24 * 3_600_000, 60_000, undefined, 43_200, 'never above the STS maximum'],
  [1, 0, undefined, 900, 'rounded up, at least 900'],
];

t.test('DurationSeconds covers the command time limit, within STS bounds', async (t) => {
  for (const [timeoutMs, marginMs, configured, expected, name] of durations) t.equal(sessionDurationSeconds(timeoutMs, marginMs, configured), expected, name);
});

t.test('the AssumeRole input names the role, session, human, agent and request', async (t) => {
  const input = assumeRoleInput({
    roleArn: 'arn:aws:iam::123456789012:role/agents',
    externalId: 'ext-1234',
    durationSeconds: 900,
    requestId: 'req_abc',
    identity: { agent: 'claude', human: 'alice@example.com', sessionId: 'ses_1' },
  });
  t.same(input, {
    RoleArn: 'arn:aws:iam::123456789012:role/agents',
    RoleSessionName: 'ses_1',
    SourceIdentity: 'alice@example.com',
    DurationSeconds: 900,
    Tags: [
      { Key: 'aws-guard:agent', Value: 'claude' },
      { Key: 'aws-guard:session', Value: 'ses_1' },
      { Key: 'aws-guard:request', Value: 'req_abc' },
    ],
    ExternalId: 'ext-1234',
  });
  const without = assumeRoleInput({ roleArn: 'arn:aws:iam::123456789012:role/agents', externalId: undefined, durationSeconds: 900, requestId: 'r', identity: { agent: 'a', human: 'h', sessionId: 's' } });
  t.notOk('ExternalId' in without, 'no ExternalId unless configured');
});
