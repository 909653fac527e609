// Maximum token lifetime end to end: the built broker, configured with auth.maxTokenLifetime and an issuer with
// its own maxTokenLifetime, refuses a token that lives longer; the built shim ends with one line naming the
// reason, and the refusal is audited as token.rejected with reason lifetime-too-long. Tokens at the limit run.
import t from 'tap';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBroker } from '../helpers/broker.js';
import { agentEnv, runAws } from '../helpers/shim.js';
import { FIXTURES } from '../helpers/paths.js';
import { readAuditRecords } from '../helpers/audit.js';
import { makeKey, signWith, startJwksServer } from '../../packages/broker/test/auth/jwks-server.js';

const ISS = 'https://ci.example.test';
const dir = await mkdtemp(join(tmpdir(), 'aws-guard-lifetime-'));
const key = await makeKey('ci-1');
const jwks = await startJwksServer([key]);
t.teardown(() => jwks.close());
await writeFile(join(dir, 'aws-guard.yaml'), `auth:
  maxTokenLifetime: 1h
issuers:
  - name: ci
    issuer: ${ISS}
    jwksUrl: ${jwks.url}
    audience: aws-guard
    maxTokenLifetime: 10m
`);
const broker = await startBroker({ awsCli: join(FIXTURES, 'fake-aws', 'sandbox-aws'), args: ['--config', join(dir, 'aws-guard.yaml')] });
t.teardown(broker.stop);

// One reading of the clock for iat and exp: two could straddle a second and make the lifetime one longer.
const ciToken = (lifetime: number) => {
  const iat = Math.floor(Date.now() / 1000);
  return signWith(key, { iss: ISS, aud: 'aws-guard', sub: 'repo:acme/app', jti: `j-${Math.random()}`, iat, exp: iat + lifetime });
};
const run = async (token: string) => runAws(['s3api', 'list-buckets'], { env: await agentEnv(broker.url, token) });

t.test('a token at the maximum runs; one second over is refused with one line naming the reason', async (t) => {
  const table: [string, Promise<string>, RegExp | undefined][] = [
    ['a broker token of exactly 1h', broker.token({ ttlMs: 3_600_000 }), undefined],
    ['a broker token of 1h and 1s', broker.token({ agent: 'long-lived', ttlMs: 3_601_000 }), /the token lives 1h1s, longer than the 1h this broker accepts: issue one with a shorter --ttl \(AUTH_TOKEN_LIFETIME\)/],
    ['a CI token of exactly 10m', ciToken(600), undefined],
    ['a CI token of 10m and 1s', ciToken(601), /the token from issuer ci lives 10m1s, longer than the 10m this broker accepts.*\(AUTH_TOKEN_LIFETIME\)/],
  ];
  for (const [what, token, refused] of table) {
    const r = await run(await token);
    if (refused === undefined) {
      t.equal(r.code, 0, `${what}: runs (${r.stderr})`);
      continue;
    }
    t.equal(r.code, 255, `${what}: exit 255`);
    t.match(r.stderr, refused, what);
    t.equal(r.stderr.trim().split('\n').length, 1, `${what}: one line`);
  }
});

t.test('each refusal is audited as token.rejected with reason lifetime-too-long and what the token claims', async (t) => {
  const rejected = (await readAuditRecords(broker.dataDir)).filter((rec) => rec.type === 'token.rejected');
  t.equal(rejected.length, 2, 'the two over-long tokens, nothing else');
  t.match(rejected[0], { code: 'AUTH_TOKEN_LIFETIME', actor: { kind: 'broker' }, data: { reason: 'lifetime-too-long', channel: 'agent', unverified: { claims: { sub: 'long-lived' } } } });
  t.match(rejected[1], { code: 'AUTH_TOKEN_LIFETIME', data: { reason: 'lifetime-too-long', unverified: { claims: { iss: ISS, sub: 'repo:acme/app' } } } });
});
