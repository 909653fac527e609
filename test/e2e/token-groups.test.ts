// The groups a token names reach the policy (rules that match `groups`) and approvals (`approval.group`): an
// agent in a denied group is refused, and only an approver in the named group can approve.
import t from 'tap';
import { spawn } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBroker } from '../helpers/broker.js';
import { runGuard } from '../helpers/guard-cli.js';
import { agentEnv, awaitApproval, runAws, shimBinDir } from '../helpers/shim.js';
import { FIXTURES } from '../helpers/paths.js';

const dir = await mkdtemp(join(tmpdir(), 'aws-guard-groups-'));
const policyFile = join(dir, 'policy.yaml');
await writeFile(policyFile, `version: 1
rules:
  - id: no-lists-for-contractors
    effect: deny
    actions: ['s3:ListAllMyBuckets']
    groups: ['contractors*']
  - id: security-approves-deletes
    effect: approve
    actions: ['s3:DeleteBucket']
    approval: { group: security }
`);
// The fake CLI prints what it was given: what runs does not matter here, only what is decided.
const broker = await startBroker({ awsCli: join(FIXTURES, 'fake-aws', 'sandbox-aws'), args: ['--policy', policyFile] });
t.teardown(broker.stop);
const guard = (args: string[], token: string) => runGuard([...args, '--broker', broker.url, '--token', token]);

t.test('a rule on groups applies to tokens in those groups only', async (t) => {
  const contractor = await agentEnv(broker.url, await broker.token({ agent: 'c-1', human: 'carl', groups: ['dev', 'contractors-eu'] }));
  const employee = await agentEnv(broker.url, await broker.token({ agent: 'e-1', human: 'erin', groups: ['dev'] }));
  const refused = await runAws(['s3api', 'list-buckets'], { env: contractor });
  t.not(refused.code, 0);
  t.match(refused.stderr, /AccessDenied.*rule no-lists-for-contractors/);
  t.equal((await runAws(['s3api', 'list-buckets'], { env: employee })).code, 0);
});

t.test('only an approver whose token names the group can approve', async (t) => {
  const env = await agentEnv(broker.url, await broker.token({ agent: 'claude-1', human: 'alice' }));
  const shim = spawn(join(await shimBinDir(), 'aws'), ['s3api', 'delete-bucket', '--bucket', 'b'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const { approvalId, exit, stderr: shimStderr } = await awaitApproval(shim);
  const outsider = await guard(['approve', approvalId], await broker.token({ agent: 'bob-laptop', human: 'bob', role: 'approver', groups: ['dev'] }));
  t.equal(outsider.code, 1);
  t.match(outsider.stderr, /APPROVAL_WRONG_GROUP/);
  const member = await guard(['approve', approvalId], await broker.token({ agent: 'sam-laptop', human: 'sam', role: 'approver', groups: ['security'] }));
  t.equal(member.code, 0, member.stderr);
  t.equal(await exit, 0, `the held command ran (${shimStderr()})`);
});
