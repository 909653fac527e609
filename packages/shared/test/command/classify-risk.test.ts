// The mechanics of classification on hand-built commands; real command lines are in risk-commands.test.ts.
import t from 'tap';
import { classifyRisk } from '@aws-guard/shared/command/classify-risk';
import type { RiskRule } from '@aws-guard/shared/command/risk-rules';
import { makeParsedCommand } from './make-parsed-command.js';

t.test('the highest risk of all actions wins and every matching rule gives a reason, highest first', async (t) => {
  const verdict = classifyRisk(
    makeParsedCommand({ service: 's3', operation: 'rb', custom: true, apiOperations: ['ListObjectsV2', 'DeleteObject', 'DeleteBucket'], iamActions: ['s3:DeleteBucket', 's3:DeleteObject', 's3:ListBucket'] }),
  );
  t.equal(verdict.risk, 'destructive');
  t.match(verdict.reasons[0], /^destructive: s3:DeleteBucket, s3:DeleteObject: deletes resources or data \[destructive\.delete\]$/);
  t.ok(verdict.reasons.some((r) => r.startsWith('destructive: s3 rb:')), 'the s3 rb command rule adds its reason');
  t.match(verdict.reasons.at(-1), /^read: s3:ListBucket/);
});

t.test('an action matched by no rule is write', async (t) => {
  const verdict = classifyRisk(makeParsedCommand({ service: 'sqs', operation: 'send-message', apiOperations: ['SendMessage'], iamActions: ['sqs:SendMessage'] }));
  t.equal(verdict.risk, 'write');
  t.match(verdict.reasons, [/sqs:SendMessage: not a read-only verb/]);
});

t.test('forbidden uses found by the parser win over everything', async (t) => {
  const verdict = classifyRisk(
    makeParsedCommand({ forbidden: [{ code: 'FORBIDDEN_OPTION', arg: '--endp', resolved: '--endpoint-url', reason: 'would send the credentials elsewhere' }] }),
  );
  t.equal(verdict.risk, 'forbidden');
  t.equal(verdict.reasons[0], 'forbidden: --endp (--endpoint-url): would send the credentials elsewhere [FORBIDDEN_OPTION]');
});

t.test('a global option in the forbidden net makes the command forbidden even if the parser did not flag it', async (t) => {
  t.equal(classifyRisk(makeParsedCommand({ globals: { profile: 'other' } })).risk, 'forbidden');
  t.equal(classifyRisk(makeParsedCommand({ globals: { output: 'json' } })).risk, 'read');
});

t.test('option conditions: present, value globs, absent', async (t) => {
  const ssm = { service: 'ssm', operation: 'get-parameter', apiOperations: ['GetParameter'], iamActions: ['ssm:GetParameter'] };
  t.equal(classifyRisk(makeParsedCommand(ssm)).risk, 'read');
  t.equal(classifyRisk(makeParsedCommand({ ...ssm, params: { name: '/db/pw', 'with-decryption': true } })).risk, 'secret_read');
  t.equal(classifyRisk(makeParsedCommand({ ...ssm, params: { 'no-with-decryption': true } })).risk, 'read');
  t.equal(classifyRisk(makeParsedCommand({ ...ssm, params: { 'cli-input-json': 'file://in.json' } })).risk, 'secret_read', 'an input document may set WithDecryption');

  const versioning = { service: 's3api', operation: 'put-bucket-versioning', apiOperations: ['PutBucketVersioning'], iamActions: ['s3:PutBucketVersioning'] };
  t.equal(classifyRisk(makeParsedCommand({ ...versioning, params: { 'versioning-configuration': 'Status=Enabled' } })).risk, 'write');
  t.equal(classifyRisk(makeParsedCommand({ ...versioning, params: { 'versioning-configuration': 'Status=Suspended' } })).risk, 'destructive');
  t.equal(classifyRisk(makeParsedCommand({ ...versioning, params: { 'versioning-configuration': 'file://v.json' } })).risk, 'destructive');

  const glue = { service: 'glue', operation: 'get-connection', apiOperations: ['GetConnection'], iamActions: ['glue:GetConnection'] };
  t.equal(classifyRisk(makeParsedCommand(glue)).risk, 'secret_read');
  t.equal(classifyRisk(makeParsedCommand({ ...glue, params: { 'hide-password': true } })).risk, 'read');
});

t.test('notActions carve reads out of a broad rule', async (t) => {
  const iam = (action: string) => classifyRisk(makeParsedCommand({ service: 'iam', iamActions: [`iam:${action}`], apiOperations: [action] })).risk;
  t.equal(iam('ListRoles'), 'read');
  t.equal(iam('GetRole'), 'read');
  t.equal(iam('AttachRolePolicy'), 'privilege');
  t.equal(iam('CreateAccessKey'), 'secret_read', 'secret_read outranks privilege');
});

t.test('help and skeletons call nothing: read, whatever the operation would do', async (t) => {
  const skeleton = makeParsedCommand({ operation: 'delete-bucket', apiOperations: ['DeleteBucket'], iamActions: ['s3:DeleteBucket'], localOnly: true });
  t.equal(classifyRisk(skeleton).risk, 'read');
  t.equal(classifyRisk({ ...skeleton, globals: { debug: true } }).risk, 'forbidden', 'the forbidden net still applies');
});

t.test('a custom command that calls no API and matches no rule is treated as handing out bearer material', async (t) => {
  const verdict = classifyRisk(makeParsedCommand({ service: 'newsvc', operation: 'sign-something', custom: true, apiOperation: null, apiOperations: [], iamActions: [] }));
  t.equal(verdict.risk, 'secret_read');
});

t.test('an API call without a known IAM action is write, not read', async (t) => {
  t.equal(classifyRisk(makeParsedCommand({ iamActions: [], apiOperations: ['DoThing'] })).risk, 'write');
});

t.test('rules are data: a custom table changes the outcome', async (t) => {
  const rules: RiskRule[] = [{ id: 'x.send', risk: 'privilege', reason: 'test', actions: ['sqs:Send*'] }];
  const cmd = makeParsedCommand({ iamActions: ['sqs:SendMessage'], apiOperations: ['SendMessage'] });
  t.same(classifyRisk(cmd, rules), { risk: 'privilege', reasons: ['privilege: sqs:SendMessage: test [x.send]'] });
});
