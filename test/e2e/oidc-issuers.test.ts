// External issuers end to end: the built broker trusts a CI issuer whose JWKS is served on loopback; the built
// shim sends a token read from AWS_GUARD_TOKEN_FILE. Accepted tokens run under their mapped identity (policy
// by issuer and group), refused ones end the shim with one line naming the reason, a JWKS outage fails
// closed and recovers, and the audit names issuer, subject and jti.
import t from 'tap';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DEFAULT_REJECTION_LIMITS } from '@aws-guard/broker/server/rejection-limiter';
import { startBroker } from '../helpers/broker.js';
import { agentEnv, runAws } from '../helpers/shim.js';
import { FIXTURES } from '../helpers/paths.js';
import { readAuditRecords } from '../helpers/audit.js';
import { makeKey, signWith, startJwksServer } from '../../packages/broker/test/auth/jwks-server.js';

const ISS = 'https://ci.example.test';
const dir = await mkdtemp(join(tmpdir(), 'aws-guard-oidc-'));
const key = await makeKey('ci-1');
const jwks = await startJwksServer([key]);
t.teardown(() => jwks.close());
await writeFile(join(dir, 'aws-guard.yaml'), `issuers:
  - name: ci
    issuer: ${ISS}
    jwksUrl: ${jwks.url}
    audience: aws-guard
    jwksCacheMaxAge: 0s
    jwksTimeout: 2s
    claims: { agent: sub, human: actor, groups: [repository, job.labels] }
`);
await writeFile(join(dir, 'policy.yaml'), `version: 1
rules:
  - { id: no-untrusted-repos, effect: deny, actions: ['s3:ListAllMyBuckets'], issuers: [ci], groups: ['ci/acme/untrusted'] }
`);
const broker = await startBroker({ awsCli: join(FIXTURES, 'fake-aws', 'sandbox-aws'), args: ['--config', join(dir, 'aws-guard.yaml'), '--policy', join(dir, 'policy.yaml')] });
t.teardown(broker.stop);

const sec = () => Math.floor(Date.now() / 1000);
const claims = (extra: Record<string, unknown> = {}) => ({ iss: ISS, aud: 'aws-guard', sub: 'repo:acme/app:ref:refs/heads/main', actor: 'octocat', repository: 'acme/app', job: { labels: ['linux'] }, jti: `j-${Math.random()}`, iat: sec(), exp: sec() + 300, ...extra });
const tokenFile = join(dir, 'token');
const run = async (token: string) => {
  await writeFile(tokenFile, token);
  return runAws(['s3api', 'list-buckets'], { env: await agentEnv(broker.url, undefined, { AWS_GUARD_TOKEN_FILE: tokenFile }) });
};

t.test('a CI token from the token file runs the command as its mapped identity', async (t) => {
  const c = claims();
  const r = await run(await signWith(key, c));
  t.equal(r.code, 0, r.stderr);
  const accepted = (await readAuditRecords(broker.dataDir)).filter((rec) => rec.type === 'token.accepted').at(-1);
  t.match(accepted, { actor: { agent: 'ci/repo:acme/app:ref:refs/heads/main', human: 'ci/octocat' }, data: { issuer: ISS, issuerName: 'ci', subject: c.sub, tokenId: c.jti, groups: ['ci/acme/app', 'ci/linux'] } });
});

t.test('policy rules match the issuer and the mapped groups', async (t) => {
  const r = await run(await signWith(key, claims({ repository: 'acme/untrusted' })));
  t.not(r.code, 0);
  t.match(r.stderr, /AccessDenied.*rule no-untrusted-repos/);
});

t.test('a refused token ends the shim with exit 255 and one line naming the reason', async (t) => {
  const other = await makeKey('stranger');
  const table: [string, Promise<string>, RegExp][] = [
    ['another audience', signWith(key, claims({ aud: 'sts.amazonaws.com' })), /is not for this broker: its audience must be aws-guard \(AUTH_TOKEN_CLAIMS\)/],
    ['expired', signWith(key, claims({ exp: sec() - 120 })), /has expired.*\(AUTH_TOKEN_EXPIRED\)/],
    ['an unknown key', signWith(other, claims()), /signing key \(kid\) that issuer ci does not publish \(AUTH_TOKEN_INVALID\)/],
    ['an untrusted issuer', signWith(key, claims({ iss: 'https://evil.example.test' })), /issuer "https:\/\/evil.example.test" is not one this broker trusts \(AUTH_TOKEN_CLAIMS\)/],
    ['no actor claim', signWith(key, claims({ actor: undefined })), /has no actor claim, which this broker maps to the human \(AUTH_CLAIM_MISSING\)/],
  ];
  for (const [what, token, line] of table) {
    const r = await run(await token);
    t.equal(r.code, 255, what);
    t.match(r.stderr, line, what);
    t.equal(r.stderr.trim().split('\n').length, 1, `${what}: one line`);
  }
});

t.test('the JWKS endpoint down: refused (fail closed), then accepted once it is back', async (t) => {
  // The table above spent the whole burst of `token.rejected` records (rejection-limiter.ts): one more gets a record
  // of its own only once the bucket has refilled, else it is only counted in the next summary.
  await sleep(1000 / DEFAULT_REJECTION_LIMITS.perSecond + 200);
  jwks.setState('error');
  const down = await run(await signWith(key, claims()));
  t.equal(down.code, 255);
  t.match(down.stderr, /cannot get the keys of issuer ci.*\(AUTH_JWKS_UNAVAILABLE\)/);
  jwks.setState('up');
  const back = await run(await signWith(key, claims()));
  t.equal(back.code, 0, back.stderr);
  const rejected = (await readAuditRecords(broker.dataDir)).filter((rec) => rec.type === 'token.rejected').map((rec) => rec.data['reason']);
  t.ok(rejected.includes('jwks-unavailable') && rejected.includes('wrong-audience'), 'rejections are audited with their reasons');
});
