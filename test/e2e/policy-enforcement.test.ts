// The broker enforces its policy file: deny → AccessDenied, approve → refused until approvals exist,
// forbidden → refused whatever the policy says; SIGHUP reloads the policy atomically (a bad one is ignored).
import t from 'tap';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startBroker } from '../helpers/broker.js';
import { agentEnv, runAws } from '../helpers/shim.js';
import { FIXTURES } from '../helpers/paths.js';

const dir = t.testdir();
const policyFile = join(dir, 'policy.yaml');
const DENY_STS = `version: 1
rules:
  - id: no-identity-calls
    effect: deny
    actions: ['sts:GetCallerIdentity']
    message: agents do not ask who they are
  - id: approve-bucket-listing
    effect: approve
    actions: ['s3:ListAllMyBuckets']
  - id: allow-all-for-ci
    effect: allow
    agents: ['ci-*']
    actions: ['*']
`;
await writeFile(policyFile, DENY_STS);
const broker = await startBroker({ awsCli: join(FIXTURES, 'fake-aws', 'sandbox-aws'), args: ['--policy', policyFile] });
t.teardown(broker.stop);
const env = await agentEnv(broker.url, await broker.token({ agent: 'ci-runner' }));
const auditTypes = async () => (await readFile(join(broker.dataDir, 'audit', 'audit.jsonl'), 'utf8')).trim().split('\n').map((l) => (JSON.parse(l) as { type: string }).type);

t.test('a deny rule refuses with AccessDenied naming the rule and its message', async (t) => {
  const res = await runAws(['sts', 'get-caller-identity'], { env });
  t.equal(res.code, 255);
  t.match(res.stderr, /An error occurred \(AccessDenied\) when calling the GetCallerIdentity operation: denied by aws-guard: .*agents do not ask who they are.*\(rule no-identity-calls, request req_/);
});

t.test('approve beats allow: the command is held for a human', async (t) => {
  const res = await runAws(['s3api', 'list-buckets'], { env: { ...env, AWS_GUARD_APPROVAL_WAIT: '1s' } });
  t.equal(res.code, 255);
  t.match(res.stderr, /s3api list-buckets needs approval \(rule approve-bucket-listing/);
  t.match(res.stderr, /run the identical command again/);
});

t.test('an allowed command runs', async (t) => {
  const res = await runAws(['ec2', 'describe-regions'], { env });
  t.equal(res.code, 0, res.stderr);
  t.match(JSON.parse(res.stdout.toString()), { argv: ['ec2', 'describe-regions'] });
});

t.test('forbidden options are refused even where the policy allows everything', async (t) => {
  const res = await runAws(['ec2', 'describe-regions', '--prof', 'admin'], { env });
  t.equal(res.code, 255);
  t.match(res.stderr, /rule forbidden:FORBIDDEN_OPTION/);
});

t.test('SIGHUP loads a new policy; an invalid one leaves the old one in force', async (t) => {
  await writeFile(policyFile, DENY_STS.replace("actions: ['sts:GetCallerIdentity']", "actions: ['sts:GetSessionToken']"));
  process.kill(broker.pid, 'SIGHUP');
  let res = await runAws(['sts', 'get-caller-identity'], { env });
  for (let i = 0; i < 50 && res.code !== 0; i++) {
    await new Promise((r) => setTimeout(r, 100));
    res = await runAws(['sts', 'get-caller-identity'], { env });
  }
  t.equal(res.code, 0, 'the new policy allows it');
  t.ok((await auditTypes()).includes('policy.loaded'), 'the reload is audited');

  await writeFile(policyFile, 'version: 1\nrules:\n  - id: broken\n    effect: maybe\n');
  process.kill(broker.pid, 'SIGHUP');
  for (let i = 0; i < 50 && !broker.stderr().includes('policy reload failed'); i++) await new Promise((r) => setTimeout(r, 100));
  t.match(broker.stderr(), /policy reload failed/, 'the broker says why');
  res = await runAws(['sts', 'get-caller-identity'], { env });
  t.equal(res.code, 0, 'the previous policy is still in force');
});

t.test('an invalid policy keeps the broker from starting, with every problem listed', async (t) => {
  const bad = join(dir, 'bad.yaml');
  await writeFile(bad, 'version: 2\nrules:\n  - id: a\n    effect: maybe\n  - effect: allow\n');
  await t.rejects(startBroker({ awsCli: join(FIXTURES, 'fake-aws', 'sandbox-aws'), args: ['--policy', bad] }), /cannot start[\s\S]*version[\s\S]*effect/);
});
