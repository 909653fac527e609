import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import t from 'tap';
import { analyzeCommand } from '@aws-guard/shared/command/analyze-command';
import { createModelStore, sourceModelDir } from '@aws-guard/shared/aws-model/model-store';
import { DEFAULT_POLICY_YAML } from '@aws-guard/broker/policy/default-policy-text';
import { loadDefaultPolicy } from '@aws-guard/broker/policy/default-policy';
import { evaluatePolicy } from '@aws-guard/broker/policy/evaluate-policy';
import { loadPolicy } from '@aws-guard/broker/policy/load-policy';
import { renderDefaultPolicyModule } from '@aws-guard/broker/policy/render-default-policy-module';

const YAML_URL = new URL('../../policy/default.yaml', import.meta.url);
const WHO = { agent: 'claude', human: 'alice', groups: [], role: 'agent', sessionId: 's' };

t.test('the embedded default policy is default.yaml (run `node scripts/embed-default-policy.mjs`)', async (t) => {
  const yaml = readFileSync(YAML_URL, 'utf8');
  t.equal(DEFAULT_POLICY_YAML, yaml);
  const module = readFileSync(new URL('../../src/policy/default-policy-text.ts', import.meta.url), 'utf8');
  t.equal(module, renderDefaultPolicyModule(yaml));
});

t.test('the default policy is valid and hashes like the shipped file', async (t) => {
  const loaded = loadDefaultPolicy();
  if (!loaded.ok) throw new Error(loaded.issue.message);
  t.equal(loaded.value.hash, createHash('sha256').update(readFileSync(YAML_URL)).digest('hex'));
  const fromFile = loadPolicy(YAML_URL.pathname);
  t.match(fromFile, { ok: true, value: { hash: loaded.value.hash } });
});

t.test('the default policy decides real command lines as documented', async (t) => {
  const loaded = loadDefaultPolicy();
  if (!loaded.ok) throw new Error(loaded.issue.message);
  const policy = loaded.value;
  const model = createModelStore(sourceModelDir());
  const table = [
    ['s3 ls', 'allow', 'default:read'],
    ['sqs send-message --queue-url https://sqs.us-east-1.amazonaws.com/1/q --message-body hi', 'allow', 'default:write'],
    ['s3 rb s3://b --force', 'approve', 'default:destructive'],
    ['ec2 terminate-instances --instance-ids i-1', 'approve', 'default:destructive'],
    ['cloudtrail stop-logging --name main', 'deny', 'deny-audit-off'],
    ['guardduty delete-detector --detector-id d', 'deny', 'deny-audit-off'],
    ['configservice stop-configuration-recorder --configuration-recorder-name default', 'deny', 'deny-audit-off'],
    ['organizations leave-organization', 'deny', 'deny-leave-organization'],
    ['iam attach-role-policy --role-name r --policy-arn arn:aws:iam::aws:policy/AdministratorAccess', 'approve', 'approve-identity-changes'],
    ['iam create-access-key --user-name u', 'approve', 'approve-identity-changes'],
    ['sso-admin create-permission-set --instance-arn arn:aws:sso:::instance/i --name n', 'approve', 'approve-identity-changes'],
    ['iam list-roles', 'allow', 'default:read'],
    ['secretsmanager get-secret-value --secret-id s', 'approve', 'default:secret_read'],
    ['ec2 authorize-security-group-ingress --group-id sg-1 --protocol tcp --port 22 --cidr 0.0.0.0/0', 'approve', 'default:privilege'],
    ['s3 ls --endpoint-url http://evil', 'deny', 'forbidden:FORBIDDEN_OPTION'],
    ['configure list', 'deny', 'forbidden:LOCAL_ONLY_COMMAND'],
  ] as const;
  for (const [line, decision, rule] of table) {
    const cmd = analyzeCommand(line.split(' '), { model });
    if (!cmd.ok) throw new Error(`${line}: ${cmd.issue.message}`);
    t.match(evaluatePolicy(policy, cmd.value, WHO), { decision, rule }, `aws ${line} → ${decision} by ${rule}`);
  }
  const attach = analyzeCommand(['iam', 'attach-role-policy', '--role-name', 'r', '--policy-arn', 'arn:aws:iam::aws:policy/ReadOnlyAccess'], { model });
  if (!attach.ok) throw new Error(attach.issue.message);
  t.match(evaluatePolicy(policy, attach.value, WHO).approval, { approvers: 2, expires: '15m' });
});
