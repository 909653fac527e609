import t from 'tap';
import { evaluatePolicy, type PolicyIdentity } from '@aws-guard/broker/policy/evaluate-policy';
import { parsePolicy } from '@aws-guard/broker/policy/load-policy';
import type { Policy } from '@aws-guard/broker/policy/policy';
import { deleteBucket, makeAwsCommand, removeBucketForce } from './make-aws-command.js';

const policyOf = (yaml: string): Policy => {
  const loaded = parsePolicy(yaml, 'test');
  if (!loaded.ok) throw new Error(loaded.issue.message);
  return loaded.value;
};
const rules = (yaml: string): Policy => policyOf(`version: 1\nrules:\n${yaml}`);
const EMPTY = policyOf('version: 1\nrules: []\n');
const WHO: PolicyIdentity = { agent: 'claude', human: 'alice', groups: ['dev'], role: 'agent', sessionId: 's1' };

const listBuckets = makeAwsCommand({});
const putObject = makeAwsCommand({ operation: 'put-object', apiOperation: 'PutObject', apiOperations: ['PutObject'], iamActions: ['s3:PutObject'], params: { bucket: 'b', key: 'k' } });
const attachPolicy = makeAwsCommand({ service: 'iam', operation: 'attach-role-policy', apiOperation: 'AttachRolePolicy', apiOperations: ['AttachRolePolicy'], iamActions: ['iam:AttachRolePolicy'] });
const getSecret = makeAwsCommand({ service: 'secretsmanager', operation: 'get-secret-value', apiOperation: 'GetSecretValue', apiOperations: ['GetSecretValue'], iamActions: ['secretsmanager:GetSecretValue'], params: { 'secret-id': 'payments/db' } });
/** `codecommit credential-helper get`: signs a git password locally, so it has no IAM action at all. */
const credentialHelper = makeAwsCommand({ service: 'codecommit', operation: 'credential-helper get', custom: true, apiOperation: null, apiOperations: [], iamActions: [] });
const endpoint = makeAwsCommand({ globals: { 'endpoint-url': 'http://evil' }, forbidden: [{ code: 'FORBIDDEN_OPTION', arg: '--endp', resolved: '--endpoint-url', reason: 'redirects credentials' }] });

t.test('with no rules, the defaults of DESIGN §5 decide by risk class', async (t) => {
  const table = [
    [listBuckets, 'read', 'allow'],
    [putObject, 'write', 'allow'],
    [deleteBucket('b'), 'destructive', 'approve'],
    [attachPolicy, 'privilege', 'approve'],
    [getSecret, 'secret_read', 'approve'],
    [endpoint, 'forbidden', 'deny'],
  ] as const;
  for (const [cmd, risk, decision] of table) {
    t.equal(cmd.risk, risk, `${cmd.operation} is ${risk}`);
    const d = evaluatePolicy(EMPTY, cmd, WHO);
    t.equal(d.decision, decision, `${risk} → ${decision}`);
    t.equal(d.rule, risk === 'forbidden' ? 'forbidden:FORBIDDEN_OPTION' : `default:${risk}`);
    t.equal(d.policyHash, EMPTY.hash);
    t.equal(d.approval !== undefined, decision === 'approve', 'approval exactly when approve');
  }
});

t.test('the policy can change the defaults, except for forbidden', async (t) => {
  const strict = policyOf('version: 1\ndefaults: { write: approve, destructive: deny }\nrules: []\n');
  t.equal(evaluatePolicy(strict, putObject, WHO).decision, 'approve');
  t.equal(evaluatePolicy(strict, deleteBucket('b'), WHO).decision, 'deny');
  t.equal(evaluatePolicy(strict, listBuckets, WHO).decision, 'allow', 'unnamed classes keep the built-in default');
});

t.test('deny beats approve beats allow, whatever the order in the file', async (t) => {
  const allowFirst = rules(`  - { id: allow-all, effect: allow, actions: ['*'] }\n  - { id: approve-s3, effect: approve, actions: ['s3:*'] }\n  - { id: deny-delete, effect: deny, actions: ['s3:Delete*'], message: no deletes }\n`);
  const denyFirst = rules(`  - { id: deny-delete, effect: deny, actions: ['s3:Delete*'], message: no deletes }\n  - { id: approve-s3, effect: approve, actions: ['s3:*'] }\n  - { id: allow-all, effect: allow, actions: ['*'] }\n`);
  for (const policy of [allowFirst, denyFirst]) {
    const d = evaluatePolicy(policy, deleteBucket('b'), WHO);
    t.equal(d.decision, 'deny');
    t.equal(d.rule, 'deny-delete');
    t.equal(d.reasons[0], 'rule deny-delete (deny): no deletes');
    t.match(evaluatePolicy(policy, putObject, WHO), { decision: 'approve', rule: 'approve-s3' });
    t.match(evaluatePolicy(policy, attachPolicy, WHO), { decision: 'allow', rule: 'allow-all' }, 'an allow rule overrides the approve default');
  }
});

t.test('forbidden is denied even when a rule allows everything', async (t) => {
  const d = evaluatePolicy(rules(`  - { id: allow-all, effect: allow, actions: ['*'] }\n`), endpoint, WHO);
  t.match(d, { decision: 'deny', rule: 'forbidden:FORBIDDEN_OPTION' });
  t.ok(d.reasons.some((r) => r.includes('--endp (--endpoint-url)')));
});

t.test('allow must cover every action a command performs', async (t) => {
  const readOnly = rules(`  - { id: s3-reads, effect: allow, actions: ['s3:List*', 's3:Get*'] }\n`);
  const d = evaluatePolicy(readOnly, removeBucketForce('b'), WHO);
  t.match(d, { decision: 'approve', rule: 'default:destructive' }, 's3 rb --force is not a read because it lists first');
  t.ok(d.reasons.includes('allow rules s3-reads do not cover s3:DeleteBucket, s3:DeleteObject'));

  const split = rules(`  - { id: s3-reads, effect: allow, actions: ['s3:List*'] }\n  - { id: s3-deletes, effect: allow, actions: ['s3:Delete*'] }\n`);
  t.match(evaluatePolicy(split, removeBucketForce('b'), WHO), { decision: 'allow', rule: 's3-reads' }, 'two rules may cover it together');
});

t.test('a command with no IAM action is matched by "*", commands or risks, not by service globs', async (t) => {
  t.equal(credentialHelper.risk, 'secret_read');
  t.match(evaluatePolicy(rules(`  - { id: cc-all, effect: allow, actions: ['codecommit:*'] }\n`), credentialHelper, WHO), { decision: 'approve', rule: 'default:secret_read' });
  t.match(evaluatePolicy(rules(`  - { id: helper-ok, effect: allow, commands: ['codecommit credential-helper *'] }\n`), credentialHelper, WHO), { decision: 'allow', rule: 'helper-ok' });
  t.match(evaluatePolicy(rules(`  - { id: everything, effect: deny, actions: ['*'] }\n`), credentialHelper, WHO), { decision: 'deny', rule: 'everything' });
});

t.test('an approve rule on a risk class keeps approvals that a broad allow rule would lift', async (t) => {
  const broad = rules(`  - { id: secrets-ok, effect: allow, actions: ['secretsmanager:*'] }\n`);
  t.match(evaluatePolicy(broad, getSecret, WHO), { decision: 'allow', rule: 'secrets-ok' });
  const guarded = rules(`  - { id: secrets-ok, effect: allow, actions: ['secretsmanager:*'] }\n  - { id: secret-reads, effect: approve, risks: [secret_read] }\n`);
  t.match(evaluatePolicy(guarded, getSecret, WHO), { decision: 'approve', rule: 'secret-reads' });
});

t.test('risks selects by class', async (t) => {
  const policy = rules(`  - { id: no-secrets, effect: deny, risks: [secret_read] }\n`);
  t.match(evaluatePolicy(policy, getSecret, WHO), { decision: 'deny', rule: 'no-secrets' });
  t.match(evaluatePolicy(policy, listBuckets, WHO), { decision: 'allow', rule: 'default:read' });
});

t.test('identity: agents, humans, groups and roles are globs; all given must match', async (t) => {
  const policy = rules(`  - { id: ci-only, effect: deny, actions: ['s3:Delete*'], agents: ['ci-*'], humans: ['bot@*'] }
  - { id: oncall, effect: allow, actions: ['iam:*'], groups: [oncall, 'sre-*'], roles: [agent] }
`);
  const ci: PolicyIdentity = { ...WHO, agent: 'ci-deploy', human: 'bot@example.com' };
  t.match(evaluatePolicy(policy, deleteBucket('b'), ci), { decision: 'deny', rule: 'ci-only' });
  t.match(evaluatePolicy(policy, deleteBucket('b'), { ...ci, human: 'alice' }), { decision: 'approve', rule: 'default:destructive' });
  t.match(evaluatePolicy(policy, deleteBucket('b'), WHO), { rule: 'default:destructive' });
  t.match(evaluatePolicy(policy, attachPolicy, { ...WHO, groups: ['dev', 'sre-eu'] }), { decision: 'allow', rule: 'oncall' });
  t.match(evaluatePolicy(policy, attachPolicy, WHO), { decision: 'approve', rule: 'default:privilege' });
  t.match(evaluatePolicy(policy, attachPolicy, { ...WHO, groups: ['oncall'], role: 'admin' }), { rule: 'default:privilege' });
});

t.test('issuers: rules match who vouched for the caller; broker-issued tokens are aws-guard', async (t) => {
  const policy = rules(`  - { id: ci-deploys, effect: allow, actions: ['s3:Delete*'], issuers: [github], groups: ['github/acme/app'] }
  - { id: no-k8s-iam, effect: deny, actions: ['iam:*'], issuers: ['k8s-*'] }
  - { id: own-tokens, effect: allow, actions: ['secretsmanager:*'], issuers: [aws-guard] }
`);
  const gh: PolicyIdentity = { ...WHO, agent: 'github/repo:acme/app:ref:refs/heads/main', groups: ['github/acme/app'], issuer: 'github' };
  const table: [string, PolicyIdentity, typeof deleteBucket extends (b: string) => infer C ? C : never, string][] = [
    ['a GitHub job of the repo deletes', gh, deleteBucket('b'), 'ci-deploys'],
    ['the same group from another issuer does not', { ...gh, issuer: 'gitlab' }, deleteBucket('b'), 'default:destructive'],
    ['a broker token with the same group does not', { ...gh, issuer: undefined }, deleteBucket('b'), 'default:destructive'],
    ['a Kubernetes pod never touches IAM', { ...WHO, issuer: 'k8s-prod' }, attachPolicy, 'no-k8s-iam'],
    ['a broker token reads secrets', WHO, getSecret, 'own-tokens'],
    ['an external token does not', { ...WHO, issuer: 'github' }, getSecret, 'default:secret_read'],
  ];
  for (const [what, who, cmd, rule] of table) t.equal(evaluatePolicy(policy, cmd, who).rule, rule, what);
});

t.test('regions and accounts: an unknown value matches deny and approve rules but never allow rules', async (t) => {
  const policy = rules(`  - { id: eu-only-deny, effect: deny, actions: ['s3:Delete*'], regions: ['eu-*'] }
  - { id: prod-account-approve, effect: approve, actions: ['s3:Put*'], accounts: ['111111111111'] }
  - { id: dev-account-allow, effect: allow, actions: ['iam:*'], accounts: ['222222222222'], regions: ['us-*'] }
`);
  t.match(evaluatePolicy(policy, deleteBucket('b', { region: 'eu-west-1' }), WHO), { decision: 'deny' });
  t.match(evaluatePolicy(policy, deleteBucket('b', { region: 'us-east-1' }), WHO), { rule: 'default:destructive' });
  t.match(evaluatePolicy(policy, deleteBucket('b', { region: null }), WHO, { defaultRegion: 'us-east-1' }), { rule: 'default:destructive' }, 'the broker default region fills in');
  t.match(evaluatePolicy(policy, deleteBucket('b', { region: null }), WHO), { decision: 'deny' }, 'unknown region: a deny rule applies');

  t.match(evaluatePolicy(policy, putObject, WHO, { account: '111111111111' }), { decision: 'approve' });
  t.match(evaluatePolicy(policy, putObject, WHO, { account: '333333333333' }), { decision: 'allow', rule: 'default:write' });
  t.match(evaluatePolicy(policy, putObject, WHO), { decision: 'approve' }, 'unknown account: an approve rule applies');

  t.match(evaluatePolicy(policy, attachPolicy, WHO, { account: '222222222222' }), { decision: 'allow', rule: 'dev-account-allow' });
  t.match(evaluatePolicy(policy, attachPolicy, WHO), { decision: 'approve', rule: 'default:privilege' }, 'unknown account: an allow rule does not apply');
});

t.test('params match by API member name or CLI option name, s3 paths give Bucket and Key', async (t) => {
  const policy = rules(`  - { id: prod-buckets, effect: deny, actions: ['s3:Delete*'], params: { Bucket: 'prod-*' } }
  - { id: tmp-keys, effect: allow, actions: ['s3:PutObject'], params: { key: ['tmp/*', 'scratch/*'] } }
  - { id: db-ids, effect: deny, actions: ['rds:*'], params: { DBInstanceIdentifier: 'prod-*' } }
`);
  t.match(evaluatePolicy(policy, deleteBucket('prod-logs'), WHO), { decision: 'deny', rule: 'prod-buckets' });
  t.match(evaluatePolicy(policy, deleteBucket('dev-logs'), WHO), { rule: 'default:destructive' });
  t.match(evaluatePolicy(policy, removeBucketForce('prod-logs'), WHO), { decision: 'deny', rule: 'prod-buckets' }, 's3 rb s3://prod-logs');
  t.match(evaluatePolicy(policy, removeBucketForce('dev'), WHO), { rule: 'default:destructive' });

  const rds = makeAwsCommand({ service: 'rds', operation: 'delete-db-instance', apiOperation: 'DeleteDBInstance', apiOperations: ['DeleteDBInstance'], iamActions: ['rds:DeleteDBInstance'], params: { 'db-instance-identifier': 'prod-main' } });
  t.match(evaluatePolicy(policy, rds, WHO), { decision: 'deny', rule: 'db-ids' }, 'DBInstanceIdentifier matches --db-instance-identifier');

  const put = (key: string) => makeAwsCommand({ ...putObject, params: { bucket: 'b', key } });
  t.match(evaluatePolicy(policy, put('tmp/a'), WHO), { decision: 'allow', rule: 'tmp-keys' });
  t.match(evaluatePolicy(policy, put('home/a'), WHO), { rule: 'default:write' });
});

t.test('param values hidden in files or input documents restrict but never permit', async (t) => {
  const policy = rules(`  - { id: prod-buckets, effect: deny, actions: ['s3:Delete*'], params: { Bucket: 'prod-*' } }
  - { id: dev-buckets, effect: allow, actions: ['s3:Delete*'], params: { Bucket: 'dev-*' } }
`);
  const hidden = deleteBucket('x', { params: { 'cli-input-json': 'file://in.json' } });
  t.match(evaluatePolicy(policy, hidden, WHO), { decision: 'deny', rule: 'prod-buckets' });
  const fromFile = deleteBucket('x', { params: { bucket: 'file://name.txt' } });
  t.match(evaluatePolicy(policy, fromFile, WHO), { decision: 'deny', rule: 'prod-buckets' });
  t.match(evaluatePolicy(policy, deleteBucket('dev-1'), WHO), { decision: 'allow', rule: 'dev-buckets' });
});

t.test('list values: a restrictive rule needs one match, a permissive rule needs all', async (t) => {
  const policy = rules(`  - { id: prod-instances, effect: deny, actions: ['ec2:Terminate*'], params: { InstanceIds: 'i-prod*' } }
  - { id: dev-instances, effect: allow, actions: ['ec2:Stop*'], params: { instance-ids: 'i-dev*' } }
`);
  const ec2 = (op: string, action: string, ids: string[]) =>
    makeAwsCommand({ service: 'ec2', operation: op, apiOperation: action, apiOperations: [action], iamActions: [`ec2:${action}`], params: { 'instance-ids': ids } });
  t.match(evaluatePolicy(policy, ec2('terminate-instances', 'TerminateInstances', ['i-dev1', 'i-prod2']), WHO), { decision: 'deny' });
  t.match(evaluatePolicy(policy, ec2('stop-instances', 'StopInstances', ['i-dev1', 'i-dev2']), WHO), { decision: 'allow', rule: 'dev-instances' });
  const mixed = ec2('stop-instances', 'StopInstances', ['i-dev1', 'i-prod2']);
  t.match(evaluatePolicy(policy, mixed, WHO), { rule: 'default:write' });
});

t.test('the approve rule asking for the most approvers decides, and its approval is returned', async (t) => {
  const policy = rules(`  - { id: one, effect: approve, actions: ['iam:*'] }
  - { id: two, effect: approve, actions: ['iam:Attach*'], approval: { approvers: 2, group: security, expires: 10m }, message: two people }
  - { id: two-again, effect: approve, actions: ['iam:*'], approval: { approvers: 2 } }
`);
  const d = evaluatePolicy(policy, attachPolicy, WHO);
  t.match(d, { decision: 'approve', rule: 'two', approval: { approvers: 2, group: 'security', expires: '10m' } });
  t.equal(d.reasons[0], 'rule two (approve): two people');
  t.ok(d.reasons.includes(attachPolicy.riskReasons[0]!), 'risk reasons follow the rule reason');
  t.ok(Object.isFrozen(d));
});
