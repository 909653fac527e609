// The policy's `masking` list: loaded strictly with every problem at once, and selectMasking merges the entries
// that match one command and caller (masks restrict like deny, reveals permit like allow).
import t from 'tap';
import { readFileSync } from 'node:fs';
import type { ParsedCommand } from '@aws-guard/shared/command/aws-command';
import { parsePolicy } from '@aws-guard/broker/policy/load-policy';
import type { Policy } from '@aws-guard/broker/policy/policy';
import type { PolicyIdentity } from '@aws-guard/broker/policy/match-policy-rule';
import { selectMasking } from '@aws-guard/broker/policy/select-masking';
import { makeAwsCommand } from './make-aws-command.js';

const policyOf = (yaml: string): Policy => {
  const loaded = parsePolicy(yaml, 'test');
  if (!loaded.ok) throw new Error(loaded.issue.message);
  return loaded.value;
};

const POLICY = policyOf(`version: 1
rules: []
masking:
  - id: ci-deploy-key
    agents: ['ci-*']
    commands: ['ssm get-parameter']
    params: { name: '/ci/*' }
    reveal: [Parameter.Value]
  - id: hide-bucket-names
    actions: ['s3:ListAllMyBuckets']
    mask: ['Buckets[].Name', 'Owner.*']
  - id: github-tokens
    actions: ['*']
    patterns: ['gh[pousr]_[A-Za-z0-9]{36}']
  - id: prod-secrets-stay-masked
    commands: ['ssm get-parameter']
    params: { name: '/prod/*' }
    mask: [Parameter.Value]
`);

const getParameter = (name: string, extra: Partial<ParsedCommand> = {}) =>
  makeAwsCommand({ service: 'ssm', operation: 'get-parameter', apiOperation: 'GetParameter', apiOperations: ['GetParameter'], iamActions: ['ssm:GetParameter'], params: { name, 'with-decryption': true }, ...extra });
const listBuckets = makeAwsCommand({});
const who = (agent: string): PolicyIdentity => ({ agent, human: 'alice', groups: [], role: 'agent', sessionId: 's1' });

t.test('masking entries are normalised and frozen', async (t) => {
  t.same(POLICY.masking[0], { id: 'ci-deploy-key', agents: ['ci-*'], commands: ['ssm get-parameter'], params: { name: ['/ci/*'] }, reveal: ['Parameter.Value'] });
  t.ok(Object.isFrozen(POLICY.masking) && Object.isFrozen(POLICY.masking[1]?.mask));
  t.same(policyOf('version: 1\nrules: []\n').masking, [], 'no section: no entries');
});

t.test('selectMasking: which entries apply to a command and caller', async (t) => {
  const cases: readonly [string, ReturnType<typeof makeAwsCommand>, string, object][] = [
    ['the CI agent reading its deploy key gets the reveal', getParameter('/ci/deploy-key'), 'ci-build', { revealPaths: ['Parameter.Value'], maskPaths: [], ruleIds: ['ci-deploy-key', 'github-tokens'] }],
    ['another agent does not', getParameter('/ci/deploy-key'), 'claude', { revealPaths: [], ruleIds: ['github-tokens'] }],
    ['nor the CI agent for another parameter', getParameter('/team/x'), 'ci-build', { revealPaths: [], ruleIds: ['github-tokens'] }],
    ['a name read from a file never reveals, and always masks', getParameter('file://name.txt'), 'ci-build', { revealPaths: [], maskPaths: ['Parameter.Value'], ruleIds: ['github-tokens', 'prod-secrets-stay-masked'] }],
    ['prod parameters stay masked', getParameter('/prod/db'), 'ci-build', { maskPaths: ['Parameter.Value'], ruleIds: ['github-tokens', 'prod-secrets-stay-masked'] }],
    ['a mask by IAM action', listBuckets, 'claude', { maskPaths: ['Buckets[].Name', 'Owner.*'], ruleIds: ['hide-bucket-names', 'github-tokens'] }],
  ];
  // t.same on the fields given: an empty list must be empty (t.match would accept any list for []).
  for (const [name, cmd, agent, expected] of cases) {
    const selection = selectMasking(POLICY, cmd, who(agent)) as unknown as Record<string, unknown>;
    t.same(Object.fromEntries(Object.keys(expected).map((k) => [k, selection[k]])), expected, name);
  }
  t.same(selectMasking(POLICY, listBuckets, who('claude')).patterns, [{ ruleId: 'github-tokens', source: 'gh[pousr]_[A-Za-z0-9]{36}' }]);
});

t.test('a reveal applies only when it selects every action of the command', async (t) => {
  const policy = policyOf(`version: 1
rules: []
masking:
  - id: reveal-lists
    agents: ['*']
    actions: ['s3:ListBucket']
    reveal: ['@']
  - id: mask-deletes
    actions: ['s3:DeleteObject']
    mask: ['@']
`);
  const rb = makeAwsCommand({ service: 's3', operation: 'rb', custom: true, apiOperation: 'DeleteBucket', apiOperations: ['ListObjectsV2', 'DeleteObject', 'DeleteBucket'], iamActions: ['s3:DeleteBucket', 's3:DeleteObject', 's3:ListBucket'], params: { paths: ['s3://b'], force: true } });
  t.same(selectMasking(policy, rb, who('claude')), { revealPaths: [], maskPaths: ['@'], patterns: [], ruleIds: ['mask-deletes'] });
});

t.test('every problem of the masking list is reported at once, with its line and id', async (t) => {
  const loaded = parsePolicy(`version: 1
rules: []
masking:
  - id: dup
    commands: ['ssm get-parameter']
    mask: [Parameter.Value]
  - id: dup
    commands: ['ssm get-parameter']
    mask: ['Parameters[*].Value', 'A..B']
    reveal: [Parameter.Value]
    agents: [ci]
  - id: no-command
    mask: [SecretString]
  - id: open-reveal
    commands: ['ssm get-parameter']
    reveal: [Parameter.Value]
  - id: nothing-to-do
    commands: ['s3api list-buckets']
  - id: bad-patterns
    actions: ['*']
    patterns: ['(unclosed', 'a*', 'ghp_[A-Za-z0-9]{36}']
    colour: red
`, 'masking.yaml');
  t.equal(loaded.ok, false);
  if (loaded.ok) return;
  const details = loaded.issue.details ?? [];
  const expected = [
    /^masking\.1\.mask\.0: must be an output path .* \(line 9, masking "dup"\)$/,
    /^masking\.1\.mask\.1: must be an output path /,
    /^masking\.1\.id: duplicate masking id "dup" \(first used by masking\.0\) \(line 7, masking "dup"\)$/,
    /^masking\.1\.reveal: an entry either masks \(mask, patterns\) or reveals \(reveal\): split it in two \(line 10, masking "dup"\)$/,
    /^masking\.2: needs at least one of actions, commands, risks/,
    /^masking\.3\.reveal: needs at least one of agents, humans, groups, roles, issuers to say who sees the values/,
    /^masking\.4: needs mask, patterns or reveal/,
    /^masking\.5\.colour: unknown key \(misspelt\?\) \(line 22, masking "bad-patterns"\)$/,
    /^masking\.5\.patterns\.0: not a valid regular expression: .* \(line 21, masking "bad-patterns"\)$/,
    /^masking\.5\.patterns\.1: matches the empty string/,
  ];
  for (const pattern of expected) t.ok(details.some((d) => pattern.test(d)), `reports ${pattern}`);
  t.equal(details.length, expected.length, `exactly these problems:\n${details.join('\n')}`);
});

t.test('the masking example in docs/policy.md loads', async (t) => {
  const doc = readFileSync(new URL('../../../../docs/policy.md', import.meta.url), 'utf8');
  const example = /## Masking[\s\S]*?```yaml\n([\s\S]*?)```/.exec(doc)?.[1];
  t.ok(example, 'the section has a YAML example');
  const policy = policyOf(`version: 1\nrules: []\n${example ?? ''}`);
  t.same(policy.masking.map((m) => m.id), ['ci-deploy-key', 'hide-customer-names', 'github-tokens', 'prod-parameters-stay-masked']);
  t.same(selectMasking(policy, getParameter('/ci/deploy-key'), who('ci-deploy')).revealPaths, ['Parameter.Value']);
});
