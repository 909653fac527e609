import t from 'tap';
import { EXACT_CASE, IAM_CASE, matchAnyGlob, matchGlob } from '@aws-guard/shared/command/match-glob';

t.test('* spans any run of characters, ? exactly one, the rest is literal', async (t) => {
  const cases: [string, string, boolean][] = [
    ['iam:Detach*', 'iam:DetachRolePolicy', true],
    ['iam:Detach*', 'iam:AttachRolePolicy', false],
    ['*:Delete*', 's3:DeleteBucket', true],
    ['*:Delete*', 's3:PutBucketDelete', false],
    ['s3:*', 's3:', true],
    ['prod-?', 'prod-1', true],
    ['prod-?', 'prod-12', false],
    ['a.b', 'axb', false],
    ['a+b', 'a+b', true],
    ['(x)', '(x)', true],
    ['prod-*', 'prod-\nevil', true],
  ];
  for (const [pattern, text, expected] of cases) t.equal(matchGlob(pattern, text, EXACT_CASE), expected, `${pattern} vs ${JSON.stringify(text)}`);
});

t.test('IAM actions compare case-insensitively, values exactly', async (t) => {
  t.ok(matchGlob('iam:detach*', 'IAM:DetachRolePolicy', IAM_CASE));
  t.notOk(matchGlob('Prod-*', 'prod-bucket', EXACT_CASE));
  t.ok(matchAnyGlob(['x', 'prod-*'], 'prod-bucket', EXACT_CASE));
  t.notOk(matchAnyGlob([], 'anything', EXACT_CASE));
});
