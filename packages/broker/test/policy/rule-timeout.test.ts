// Per-rule wall-time limits: validated at load (a duration, at most 11h), and the smallest limit among the rules
// that decided an allowed or held command is the decision's timeoutMs; none for denials and defaults.
import t from 'tap';
import { evaluatePolicy, type PolicyIdentity } from '@aws-guard/broker/policy/evaluate-policy';
import { parsePolicy } from '@aws-guard/broker/policy/load-policy';
import type { Policy } from '@aws-guard/broker/policy/policy';
import { deleteBucket, makeAwsCommand, removeBucketForce } from './make-aws-command.js';

const MIN = 60_000;
const rules = (yaml: string): Policy => {
  const loaded = parsePolicy(`version: 1\nrules:\n${yaml}`, 'test');
  if (!loaded.ok) throw new Error(loaded.issue.message);
  return loaded.value;
};
const WHO: PolicyIdentity = { agent: 'claude', human: 'alice', groups: [], role: 'agent', sessionId: 's1' };
const listBuckets = makeAwsCommand({});
const putObject = makeAwsCommand({ operation: 'put-object', apiOperation: 'PutObject', apiOperations: ['PutObject'], iamActions: ['s3:PutObject'], params: { bucket: 'b', key: 'k' } });

t.test('a timeout is a duration of at most 11h; every bad one is reported with its rule', async (t) => {
  const loaded = parsePolicy(
    `version: 1
rules:
  - { id: zero, effect: allow, actions: ['*'], timeout: 0s }
  - { id: long, effect: allow, actions: ['*'], timeout: 12h }
  - { id: words, effect: allow, actions: ['*'], timeout: 30 minutes }
  - { id: fine, effect: allow, actions: ['*'], timeout: 11h }
`,
    'p.yaml',
  );
  t.equal(loaded.ok, false);
  if (loaded.ok) return;
  t.match(loaded.issue.details, [
    /^rules\.2\.timeout: must be a duration such as '30m' or '2h' \(line 5, rule "words"\)$/,
    /^rules\.0\.timeout: "0s" must be greater than zero \(line 3, rule "zero"\)$/,
    /^rules\.1\.timeout: must be at most 11h: a command's AWS credentials must outlive it, and STS sessions last at most 12h \(line 4, rule "long"\)$/,
  ]);
  t.equal(loaded.issue.details?.length, 3);
  t.equal(rules(`  - { id: r, effect: allow, actions: ['*'], timeout: 90s }\n`).rules[0]?.timeoutMs, 90_000, 'normalised to ms');
});

t.test('the deciding rules set the limit: the smallest wins; denials and defaults carry none', async (t) => {
  const policy = rules(`
  - { id: list, effect: allow, actions: ['s3:ListBucket'], timeout: 2h }
  - { id: delete-objects, effect: allow, actions: ['s3:DeleteObject'], timeout: 30m }
  - { id: delete-buckets, effect: allow, actions: ['s3:DeleteBucket'], timeout: 10m }
  - { id: puts, effect: allow, actions: ['s3:PutObject'] }
  - { id: reads, effect: allow, actions: ['s3:ListAllMyBuckets'], timeout: 1h }
  - { id: hold-prod, effect: approve, actions: ['s3:DeleteBucket'], params: { Bucket: 'prod-*' }, timeout: 45m }
  - { id: hold-prod-strict, effect: approve, actions: ['s3:DeleteBucket'], params: { Bucket: 'prod-eu*' }, approval: { approvers: 2 }, timeout: 3h }
  - { id: never-legal, effect: deny, actions: ['s3:DeleteBucket'], params: { Bucket: legal }, timeout: 5m }
`);
  const table: Array<[string, ReturnType<typeof makeAwsCommand>, string, string, number | undefined]> = [
    ['one allow rule', listBuckets, 'allow', 'reads', 60 * MIN],
    ['three allow rules together (rb --force): the smallest limit', removeBucketForce('scratch'), 'allow', 'list', 10 * MIN],
    ['an allow rule without a limit: the broker default', putObject, 'allow', 'puts', undefined],
    ['approve: the limit of the approve rules, not of the allow rule that also matched', deleteBucket('prod-us'), 'approve', 'hold-prod', 45 * MIN],
    ['two approve rules: the smallest, whichever asks for more approvers', deleteBucket('prod-eu1'), 'approve', 'hold-prod-strict', 45 * MIN],
    ['deny: never runs, no limit', deleteBucket('legal'), 'deny', 'never-legal', undefined],
  ];
  for (const [what, cmd, decision, rule, timeoutMs] of table) {
    const d = evaluatePolicy(policy, cmd, WHO);
    t.match(d, { decision, rule }, what);
    t.equal(d.timeoutMs, timeoutMs, `${what}: timeoutMs`);
  }
  const defaulted = evaluatePolicy(rules(`  - { id: other, effect: allow, actions: ['ec2:*'], timeout: 1h }\n`), listBuckets, WHO);
  t.match(defaulted, { rule: 'default:read' });
  t.equal(defaulted.timeoutMs, undefined, 'a default decision: the broker default');
});
