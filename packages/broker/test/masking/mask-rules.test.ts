// Policy-driven masking on real operations: extra mask paths and patterns, reveals that reach the agent but not
// the record, mask beating reveal, and which operations must leave streaming for it.
import t from 'tap';
import { needsDocumentMasking } from '@aws-guard/broker/masking/plan-document-masking';
import { lengthMask, maskOutput, operation } from './document-helpers.js';

const PEM = '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\nQyNTUxOQAAACDeployKeyForTheCiJobOnlyExampleExampleExampleExample==\n-----END OPENSSH PRIVATE KEY-----\n';
const GITHUB_TOKEN = `ghp_${'a1B2c3D4e5'.repeat(3)}f6G7h8`;

t.test('a revealed deploy key reaches the agent intact and stays masked in the record', async (t) => {
  const output = { Parameter: { Name: '/ci/deploy-key', Type: 'SecureString', Value: PEM, Version: 2 } };
  const result = maskOutput('ssm', 'get-parameter', output, { rules: { revealPaths: ['Parameter.Value'] } });
  t.equal((result.value as typeof output).Parameter.Value, PEM, 'not model-masked, not pattern-masked');
  t.same(result.recordValue, { Parameter: { ...output.Parameter, Value: lengthMask('Value', PEM.length) } });
  t.same(result.revealed, ['Parameter.Value'], 'the reveal is reported for the audit');
  t.same(result.masked, {}, 'nothing was masked for the agent');
  t.notOk(JSON.stringify(result.recordValue).includes('DeployKeyForTheCiJob'));
});

t.test('a reveal of a value that is null, or absent, reveals nothing', async (t) => {
  const result = maskOutput('ssm', 'get-parameter', { Parameter: { Name: '/x', Value: null } }, { rules: { revealPaths: ['Parameter.Value'] } });
  t.same(result.revealed, []);
  t.equal(result.recordValue, result.value);
});

t.test('a policy mask beats a reveal of the same value, and reaches inside a revealed structure', async (t) => {
  const creds = { AccessKeyId: 'ASIAY34FZKBOKMUTVV7A', SecretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', SessionToken: 'FwoGZXIvYXdzEBYaDHqa0Ab1Cd2Ef3Gh4IjKlMnOpQrStUvWxYz' };
  const same = maskOutput('sts', 'get-session-token', { Credentials: creds }, { rules: { maskPaths: ['Credentials.SecretAccessKey'], revealPaths: ['Credentials.SecretAccessKey'] } });
  t.same((same.value as { Credentials: unknown }).Credentials, { ...creds, AccessKeyId: lengthMask('AccessKeyId', 20), SecretAccessKey: lengthMask('SecretAccessKey', 40), SessionToken: lengthMask('SessionToken', creds.SessionToken.length) });
  t.same(same.revealed, []);
  const inside = maskOutput('sts', 'get-session-token', { Credentials: creds }, { rules: { maskPaths: ['Credentials.SessionToken'], revealPaths: ['Credentials'] } });
  t.same((inside.value as { Credentials: unknown }).Credentials, { ...creds, SessionToken: lengthMask('SessionToken', creds.SessionToken.length) }, 'the key id and secret key shown, the token masked');
  t.same(inside.revealed, ['Credentials']);
  t.same(inside.masked, { 'Credentials.SessionToken': 1 });
  t.same((inside.recordValue as { Credentials: unknown }).Credentials, { AccessKeyId: lengthMask('AccessKeyId', 20), SecretAccessKey: lengthMask('SecretAccessKey', 40), SessionToken: lengthMask('SessionToken', creds.SessionToken.length) });
});

t.test('a reveal also shows what only a pattern detector would mask', async (t) => {
  const output = { AccessKeyMetadata: [{ UserName: 'ci', AccessKeyId: 'AKIAIOSFODNN7EXAMPLE', Status: 'Active' }] };
  const result = maskOutput('iam', 'list-access-keys', output, { rules: { revealPaths: ['AccessKeyMetadata[].AccessKeyId'] } });
  t.same(result.value, output);
  t.same(result.recordValue, { AccessKeyMetadata: [{ UserName: 'ci', AccessKeyId: lengthMask('AccessKeyId', 20), Status: 'Active' }] });
  t.same(result.revealed, ['AccessKeyMetadata[].AccessKeyId']);
});

t.test('mask paths on an operation the model has no secrets for', async (t) => {
  const list = operation('s3api', 'list-buckets');
  t.notOk(needsDocumentMasking(list), 'streams without a rule');
  t.ok(needsDocumentMasking(list, { maskPaths: ['Buckets[].Name'], patterns: [], revealPaths: [] }), 'a mask rule needs the parsed output');
  t.ok(needsDocumentMasking(list, { maskPaths: [], patterns: [{ ruleId: 'p', source: 'x+' }], revealPaths: [] }), 'so does a pattern');
  t.ok(needsDocumentMasking(list, { maskPaths: [], patterns: [], revealPaths: ['Owner.ID'] }), 'and a reveal');
  const output = { Buckets: [{ Name: 'customer-acme-secret-project', CreationDate: '2026-01-01' }, { Name: 'logs', CreationDate: '2026-01-02' }], Owner: { DisplayName: 'ops', ID: 'abc' } };
  const { value, masked } = maskOutput('s3api', 'list-buckets', output, { rules: { maskPaths: ['Buckets[].Name', 'Owner.*'] } });
  t.same(value, {
    Buckets: [{ Name: lengthMask('Name', 28), CreationDate: '2026-01-01' }, { Name: lengthMask('Name', 4), CreationDate: '2026-01-02' }],
    Owner: { DisplayName: lengthMask('DisplayName', 3), ID: lengthMask('ID', 3) },
  });
  t.same(masked, { 'Buckets[].Name': 2, 'Owner.*': 2 }, 'counted under the rule path');
  t.same(maskOutput('s3api', 'list-buckets', output, { rules: { maskPaths: ['@'] } }).value, lengthMask('ListBuckets', JSON.stringify(output).length), '@ is the whole output');
});

t.test('policy patterns mask inside ordinary strings, named by the rule', async (t) => {
  const output = { SecretList: [{ Name: 'gh', Description: `token ${GITHUB_TOKEN} for CI` }] };
  const rules = { patterns: [{ ruleId: 'github-tokens', source: 'gh[pousr]_[A-Za-z0-9]{36}' }] };
  const { value, masked } = maskOutput('secretsmanager', 'list-secrets', output, { rules });
  t.equal((value as typeof output).SecretList[0]!.Description, `token ${lengthMask('github-tokens', 40)} for CI`);
  t.same(masked, { 'github-tokens': 1 });
  const revealed = maskOutput('ssm', 'get-parameter', { Parameter: { Value: GITHUB_TOKEN } }, { rules: { ...rules, revealPaths: ['Parameter.Value'] } });
  t.same(revealed.value, { Parameter: { Value: GITHUB_TOKEN } }, 'a revealed value is not pattern-masked either');
  t.same(revealed.recordValue, { Parameter: { Value: lengthMask('Value', 40) } });
});
