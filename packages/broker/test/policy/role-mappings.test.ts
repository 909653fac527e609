// The policy's `credentials` list: loaded strictly with every problem at once, and the first mapping whose
// selectors all match names the caller's role.
import t from 'tap';
import { parsePolicy } from '@aws-guard/broker/policy/load-policy';
import type { Policy } from '@aws-guard/broker/policy/policy';
import { selectRoleMapping, type MappingIdentity } from '@aws-guard/broker/policy/select-role-mapping';

const ROLE_A = 'arn:aws:iam::111111111111:role/agents-a';
const ROLE_B = 'arn:aws:iam::222222222222:role/agents-b';
const ROLE_CI = 'arn:aws:iam::333333333333:role/ci/deployer';

const policyOf = (yaml: string): Policy => {
  const loaded = parsePolicy(yaml, 'test');
  if (!loaded.ok) throw new Error(loaded.issue.message);
  return loaded.value;
};

const MAPPED = policyOf(`version: 1
rules: []
credentials:
  - id: ci
    agents: ['ci-*']
    humans: [release-bot]
    roleArn: ${ROLE_CI}
    durationSeconds: 3600
  - id: team-a
    groups: [team-a, 'team-a:*']
    roleArn: ${ROLE_A}
    externalId: ext-a
  - id: team-b
    groups: [team-b]
    roleArn: ${ROLE_B}
`);

const who = (over: Partial<MappingIdentity> = {}): MappingIdentity => ({ agent: 'claude', human: 'alice', groups: [], ...over });

t.test('a mapping is normalised, frozen and keeps only the keys the file gives', async (t) => {
  t.same(MAPPED.credentials, [
    { id: 'ci', agents: ['ci-*'], humans: ['release-bot'], roleArn: ROLE_CI, durationSeconds: 3600 },
    { id: 'team-a', groups: ['team-a', 'team-a:*'], roleArn: ROLE_A, externalId: 'ext-a' },
    { id: 'team-b', groups: ['team-b'], roleArn: ROLE_B },
  ]);
  t.ok(Object.isFrozen(MAPPED.credentials) && Object.isFrozen(MAPPED.credentials[1]?.groups));
  t.same(policyOf('version: 1\nrules: []\n').credentials, [], 'no section: no mappings');
});

t.test('first match wins; every selector given must match; no match is undefined', async (t) => {
  const table: Array<[string, MappingIdentity, string | undefined]> = [
    ['a group member', who({ groups: ['team-a'] }), 'team-a'],
    ['a group glob', who({ groups: ['dev', 'team-a:eu'] }), 'team-a'],
    ['the other group', who({ groups: ['team-b'] }), 'team-b'],
    ['in both groups: the first mapping in file order', who({ groups: ['team-b', 'team-a'] }), 'team-a'],
    ['no group', who(), undefined],
    ['an unrelated group', who({ groups: ['team-c'] }), undefined],
    ['group names are exact (case)', who({ groups: ['Team-A'] }), undefined],
    ['agent and human both match', who({ agent: 'ci-deploy', human: 'release-bot', groups: ['team-a'] }), 'ci'],
    ['agent matches, human does not: falls through', who({ agent: 'ci-deploy', human: 'alice', groups: ['team-b'] }), 'team-b'],
  ];
  for (const [what, caller, expected] of table) t.equal(selectRoleMapping(MAPPED, caller)?.id, expected, what);
});

t.test('every problem in the section is reported at once, with line and mapping id', async (t) => {
  const loaded = parsePolicy(
    `version: 1
rules: []
credentials:
  - id: a
    groups: [x]
    roleArn: arn:aws:s3:::bucket
  - id: a
    roleArn: ${ROLE_A}
    durationSeconds: 60
    externalId: x
    role: ${ROLE_B}
  - id: ok
    groups: []
    roleArn: ${ROLE_B}
`,
    'p.yaml',
  );
  t.equal(loaded.ok, false);
  if (loaded.ok) return;
  const details = loaded.issue.details ?? [];
  const expected = [
    /^credentials\.0\.roleArn: must be an IAM role ARN .* \(line 6, mapping "a"\)$/,
    /^credentials\.1\.id: duplicate mapping id "a" \(first used by credentials\.0\) \(line 7, mapping "a"\)$/,
    /^credentials\.1: needs at least one of agents, humans, groups, issuers \(agents: \['\*'\] maps every caller\)/,
    /^credentials\.1\.durationSeconds: must be at least 900 \(STS minimum\) \(line 9, mapping "a"\)$/,
    /^credentials\.1\.externalId: must be 2-1224 characters/,
    /^credentials\.1\.role: unknown key \(misspelt\?\) \(line 11, mapping "a"\)$/,
    /^credentials\.2\.groups: .* \(line 13, mapping "ok"\)$/,
  ];
  for (const pattern of expected) t.ok(details.some((d) => pattern.test(d)), `reports ${pattern}`);
  t.equal(details.length, expected.length, `exactly these problems:\n${details.join('\n')}`);
});

t.test('issuers: a mapping can be for the callers one issuer vouched for', async (t) => {
  const policy = policyOf(`version: 1
rules: []
credentials:
  - { id: gha-prod, issuers: [github], groups: ['github/acme'], roleArn: ${ROLE_CI} }
  - { id: pods, issuers: ['k8s-*'], roleArn: ${ROLE_B} }
  - { id: own, issuers: [aws-guard], groups: ['github/acme'], roleArn: ${ROLE_A} }
`);
  const table: Array<[string, MappingIdentity, string | undefined]> = [
    ['a GitHub job of acme', who({ issuer: 'github', groups: ['github/acme'] }), 'gha-prod'],
    ['a GitHub job elsewhere', who({ issuer: 'github', groups: ['github/other'] }), undefined],
    ['any pod of a k8s-* cluster', who({ issuer: 'k8s-eu' }), 'pods'],
    ['a broker token naming the same group', who({ groups: ['github/acme'] }), 'own'],
  ];
  for (const [what, caller, expected] of table) t.equal(selectRoleMapping(policy, caller)?.id, expected, what);
});
