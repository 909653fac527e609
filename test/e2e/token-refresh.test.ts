// Tokens from files that rotate, end to end: a command waits for approval longer than its token lives; the shim
// re-reads AWS_GUARD_TOKEN_FILE during the wait and the broker takes the fresh token for the same identity only.
import t from 'tap';
import { spawn } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startBroker } from '../helpers/broker.js';
import { runGuard } from '../helpers/guard-cli.js';
import { agentEnv, awaitApproval, runAws, shimBinDir } from '../helpers/shim.js';
import { FIXTURES } from '../helpers/paths.js';
import { readAuditRecords } from '../helpers/audit.js';
import { makeKey, signWith, startJwksServer } from '../../packages/broker/test/auth/jwks-server.js';

const ISS = 'https://k8s.example.test';
const dir = await mkdtemp(join(tmpdir(), 'aws-guard-refresh-'));
const key = await makeKey('sa-1');
const jwks = await startJwksServer([key]);
t.teardown(() => jwks.close());
await writeFile(join(dir, 'aws-guard.yaml'), `issuers:
  - { name: k8s, issuer: '${ISS}', jwksUrl: '${jwks.url}', audience: aws-guard, clockSkew: 0s, claims: { agent: kubernetes.io.serviceaccount.name, human: { value: platform } } }
`);
await writeFile(join(dir, 'policy.yaml'), 'version: 1\nrules:\n  - { id: deletes-need-approval, effect: approve, actions: [\'s3:DeleteBucket\'] }\n');
const broker = await startBroker({ awsCli: join(FIXTURES, 'fake-aws', 'sandbox-aws'), args: ['--config', join(dir, 'aws-guard.yaml'), '--policy', join(dir, 'policy.yaml')] });
t.teardown(broker.stop);

const sec = () => Math.floor(Date.now() / 1000);
const podToken = (ttl: number, sa = 'deployer') => signWith(key, { iss: ISS, aud: 'aws-guard', sub: `system:serviceaccount:apps:${sa}`, 'kubernetes.io': { namespace: 'apps', serviceaccount: { name: sa } }, iat: sec(), exp: sec() + ttl, jti: `t-${Math.random()}` });
const approve = async (id: string) => runGuard(['approve', id, '--broker', broker.url, '--token', await broker.token({ agent: 'oncall', human: 'sam', role: 'approver' })]);

/** Starts a held command with the token file; resolves the approval id once the shim waits. */
const held = async (tokenFile: string, bucket: string) => {
  const env = await agentEnv(broker.url, undefined, { AWS_GUARD_TOKEN_FILE: tokenFile });
  const shim = spawn(join(await shimBinDir(), 'aws'), ['s3api', 'delete-bucket', '--bucket', bucket], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  return { ...(await awaitApproval(shim)), env };
};

t.test('a token file rewritten during a long approval wait keeps the approval usable', async (t) => {
  const file = join(dir, 'token-a');
  await writeFile(file, await podToken(3));
  const run = await held(file, 'bucket-a');
  await sleep(4000); // the first token has expired
  await writeFile(file, await podToken(600));
  await sleep(2500); // the shim's next look at the file
  t.equal((await approve(run.approvalId)).code, 0);
  t.equal(await run.exit, 0, run.stderr());
  const refreshed = (await readAuditRecords(broker.dataDir)).filter((r) => r.type === 'token.refreshed');
  t.ok(refreshed.length >= 1 && refreshed.every((r) => r.code === undefined), 'audited as token.refreshed');
  t.ok(refreshed.every((r) => r.data['issuer'] === ISS && r.data['issuerName'] === 'k8s'), 'naming the connection\'s issuer');
  const tail = await runGuard(['audit', 'tail', '--data-dir', broker.dataDir, '-n', '200']);
  t.equal(tail.code, 0, tail.stderr);
  t.match(tail.stdout, /k8s\/deployer for platform\s+token\.accepted\s+agent from \S+, issuer k8s\n/, 'audit tail names the external issuer of an accepted token');
  t.match(tail.stdout, /k8s\/deployer for platform\s+token\.refreshed\s+issuer k8s\n/, 'and of a refreshed one');
});

t.test('without a fresh token the approval is not used on the expired connection, and a re-run uses it', async (t) => {
  const file = join(dir, 'token-b');
  await writeFile(file, await podToken(3));
  const run = await held(file, 'bucket-b');
  await sleep(4000);
  t.equal((await approve(run.approvalId)).code, 0);
  t.equal(await run.exit, 255);
  t.match(run.stderr(), new RegExp(`approval ${run.approvalId} was granted, but the token expired .* re-run the identical command`));
  await writeFile(file, await podToken(600));
  const again = await runAws(['s3api', 'delete-bucket', '--bucket', 'bucket-b'], { env: run.env });
  t.equal(again.code, 0, again.stderr);
});

t.test('a refreshed token for another identity ends the connection', async (t) => {
  const file = join(dir, 'token-c');
  await writeFile(file, await podToken(600));
  const run = await held(file, 'bucket-c');
  await writeFile(file, await podToken(600, 'intruder'));
  t.equal(await run.exit, 255);
  t.match(run.stderr(), /the refreshed token is for k8s\/intruder .* not for this connection's k8s\/deployer/);
});
