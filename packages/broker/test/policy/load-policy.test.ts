import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { loadPolicy, parsePolicy } from '@aws-guard/broker/policy/load-policy';
import { BUILTIN_DEFAULTS } from '@aws-guard/broker/policy/policy';

const VALID = `version: 1
defaults:
  write: approve
rules:
  - id: deny-prod
    effect: deny
    actions: ['s3:Delete*']
    params: { Bucket: prod-* }
  - id: two-people
    effect: approve
    actions: ['iam:*']
    approval: { approvers: 2, expires: 15m }
  - id: reads
    effect: approve
    risks: [secret_read]
`;

t.test('a valid policy is normalised, carries the sha256 of its text and is deeply frozen', async (t) => {
  const loaded = parsePolicy(VALID, 'test.yaml');
  if (!loaded.ok) throw new Error(loaded.issue.message);
  const policy = loaded.value;
  t.equal(policy.hash, createHash('sha256').update(VALID).digest('hex'));
  t.equal(policy.source, 'test.yaml');
  t.same(policy.defaults, { ...BUILTIN_DEFAULTS, write: 'approve' });
  t.same(policy.rules.map((r) => r.id), ['deny-prod', 'two-people', 'reads']);
  t.same(policy.rules[0]?.params, { Bucket: ['prod-*'] }, 'a single glob becomes a list');
  t.same(policy.rules[1]?.approval, { approvers: 2, expires: '15m' });
  t.same(policy.rules[2]?.approval, { approvers: 1 }, 'approve rules get the default approval');
  t.equal(policy.rules[0]?.approval, undefined, 'deny rules have no approval');
  t.ok(Object.isFrozen(policy) && Object.isFrozen(policy.rules) && Object.isFrozen(policy.rules[0]?.params?.['Bucket']));
  t.throws(() => {
    (policy.rules as unknown as { id: string }[])[0]!.id = 'changed';
  });
});

t.test('every problem is reported at once, as path: message with the line', async (t) => {
  const text = `version: 2
defaults:
  forbidden: allow
  read: maybe
rules:
  - id: a
    effect: allow
    action: ['s3:*']
  - id: a
    effect: deny
    actions: ['s3.DeleteBucket']
    approval: { approvers: 2 }
  - id: bad id!
    effect: approve
    actions: ['*']
    approval: { approvers: 0, expires: 15 minutes }
    params: { Bucket: [] }
`;
  const loaded = parsePolicy(text, 'p.yaml');
  t.equal(loaded.ok, false);
  if (loaded.ok) return;
  t.equal(loaded.issue.code, 'POLICY_INVALID');
  const details = loaded.issue.details ?? [];
  const expected = [
    /^version: .*1.* \(line 1\)$/,
    /^defaults\.forbidden: forbidden commands are always denied; this cannot be configured \(line 3\)$/,
    /^defaults\.read: .*allow.*deny.*approve.* \(line 4\)$/,
    /^rules\.0\.action: unknown key \(misspelt\?\) \(line 8, rule "a"\)$/,
    /^rules\.0: needs at least one of actions, commands, risks/,
    /^rules\.1\.id: duplicate rule id "a" \(first used by rules\.0\) \(line 9, rule "a"\)$/,
    /^rules\.1\.actions\.0: must be an IAM action glob .* \(line 11, rule "a"\)$/,
    /^rules\.1\.approval: only a rule with effect approve takes approval settings \(line 12, rule "a"\)$/,
    /^rules\.2\.id: must be 1-100 letters/,
    /^rules\.2\.approval\.approvers: .*(>=1|1).* \(line 16, rule "bad id!"\)$/,
    /^rules\.2\.approval\.expires: must be a duration/,
    /^rules\.2\.params\.Bucket: /,
  ];
  for (const pattern of expected) t.ok(details.some((d) => pattern.test(d)), `reports ${pattern}`);
  t.equal(details.length, expected.length, `exactly these problems:\n${details.join('\n')}`);
  t.match(loaded.issue.message, /^p\.yaml: invalid policy \(12 problems\):\n  version: /);
});

t.test('YAML syntax errors and duplicate keys are reported with their line', async (t) => {
  const broken = parsePolicy('version: 1\nrules:\n  - id: x\n    id: y\n    effect: allow\n', 'dup.yaml');
  t.match(broken, { ok: false, issue: { code: 'POLICY_INVALID', details: [/^line 4: .*[Uu]nique/] } });
  const syntax = parsePolicy('version: 1\nrules: [\n', 'syntax.yaml');
  t.match(syntax, { ok: false, issue: { code: 'POLICY_INVALID', message: /^syntax\.yaml: invalid YAML/ } });
});

t.test('an empty document or a non-mapping is invalid, not an empty policy', async (t) => {
  t.match(parsePolicy('', 'empty.yaml'), { ok: false, issue: { code: 'POLICY_INVALID' } });
  t.match(parsePolicy('- 1\n', 'list.yaml'), { ok: false, issue: { code: 'POLICY_INVALID' } });
  t.match(parsePolicy('version: 1\n', 'norules.yaml'), { ok: false, issue: { details: [/^rules: is required/] } });
});

t.test('loadPolicy reads the file; a missing or non-UTF-8 file is an error', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'policy-'));
  const good = join(dir, 'good.yaml');
  writeFileSync(good, VALID);
  const loaded = loadPolicy(good);
  t.match(loaded, { ok: true, value: { source: good, hash: createHash('sha256').update(VALID).digest('hex') } });
  t.match(loadPolicy(join(dir, 'missing.yaml')), { ok: false, issue: { code: 'POLICY_UNREADABLE', message: /missing\.yaml: cannot read the policy: no such file or directory$/ } });
  const latin1 = join(dir, 'latin1.yaml');
  writeFileSync(latin1, Buffer.from([0x76, 0xe9, 0x0a]));
  t.match(loadPolicy(latin1), { ok: false, issue: { code: 'POLICY_INVALID', message: /not UTF-8/ } });
});
