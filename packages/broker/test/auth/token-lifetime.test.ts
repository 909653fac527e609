// The maximum token lifetime at the verifier, at its edges: exactly the limit passes, a second over is refused
// as AUTH_TOKEN_LIFETIME/lifetime-too-long, for broker tokens (any role, so the approver channel too) and per
// external issuer; without iat what is left (exp − now) is judged, with the issuer's clock skew.
import t from 'tap';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SignJWT, type JWTPayload } from 'jose';
import { checkIssuers } from '@aws-guard/broker/config/issuers-rules';
import { loadOrCreateTokenKeys } from '@aws-guard/broker/auth/token-keys';
import { createBearerVerifier } from '@aws-guard/broker/auth/verify-bearer';
import { verifyToken } from '@aws-guard/broker/auth/verify-token';
import { describeLifetime, DEFAULT_MAX_TOKEN_LIFETIME, DEFAULT_MAX_TOKEN_LIFETIME_MS } from '@aws-guard/broker/auth/token-lifetime';
import { CONFIG_DEFAULTS } from '@aws-guard/broker/config/config-schema';
import { parseDuration } from '@aws-guard/shared/duration';
import type { Role } from '@aws-guard/broker/auth/identity';
import { makeKey, signWith } from './jwks-server.js';

const dir = t.testdir();
const keys = await loadOrCreateTokenKeys(join(dir, 'broker'));
const NOW = new Date('2026-11-27T00:00:00Z');
const now = NOW.getTime() / 1000;
const HOUR = 3600;
const DAY = 86_400;

const brokerClaims = (times: JWTPayload): JWTPayload => ({ iss: 'aws-guard', aud: 'aws-guard', sub: 'claude', human: 'alice', role: 'agent', sid: 's', jti: 'j', ...times });
const brokerToken = (times: JWTPayload, role: Role = 'agent') => new SignJWT(brokerClaims({ ...times, role })).setProtectedHeader({ alg: 'EdDSA', kid: keys.keyId }).sign(keys.privateKey);
const outcome = (r: { ok: true } | { ok: false; issue: { code: string; reason: string } }) => (r.ok ? 'ok' : `${r.issue.code}/${r.issue.reason}`);
const REFUSED = 'AUTH_TOKEN_LIFETIME/lifetime-too-long';

t.test('the built-in default is 30d, the same in the config defaults and the verifier', async (t) => {
  t.equal(DEFAULT_MAX_TOKEN_LIFETIME, '30d');
  t.equal(CONFIG_DEFAULTS.auth.maxTokenLifetime, DEFAULT_MAX_TOKEN_LIFETIME);
  t.same(parseDuration(DEFAULT_MAX_TOKEN_LIFETIME), { ok: true, value: DEFAULT_MAX_TOKEN_LIFETIME_MS });
});

t.test('broker tokens: exp − iat against the limit, at the edges and without iat', async (t) => {
  const table: [string, JWTPayload, number, Role, string][] = [
    ['exactly the default 30d', { iat: now - 60, exp: now - 60 + 30 * DAY }, DEFAULT_MAX_TOKEN_LIFETIME_MS, 'agent', 'ok'],
    ['one second over the default', { iat: now - 60, exp: now - 60 + 30 * DAY + 1 }, DEFAULT_MAX_TOKEN_LIFETIME_MS, 'agent', REFUSED],
    ['--ttl 99999d', { iat: now, exp: now + 99_999 * DAY }, DEFAULT_MAX_TOKEN_LIFETIME_MS, 'agent', REFUSED],
    ['exactly a configured 1h', { iat: now, exp: now + HOUR }, HOUR * 1000, 'agent', 'ok'],
    ['1h and 1s under a 1h limit', { iat: now, exp: now + HOUR + 1 }, HOUR * 1000, 'agent', REFUSED],
    ['an approver token over the limit (the approver channel verifies the same way)', { iat: now, exp: now + HOUR + 1 }, HOUR * 1000, 'approver', REFUSED],
    ['no iat, exactly the limit left', { exp: now + HOUR }, HOUR * 1000, 'agent', 'ok'],
    ['no iat, a second more left', { exp: now + HOUR + 1 }, HOUR * 1000, 'agent', REFUSED],
    ['no iat, old but only 10m left: what it can still do is judged', { exp: now + 600 }, HOUR * 1000, 'agent', 'ok'],
  ];
  for (const [what, times, maxMs, role, want] of table)
    t.equal(outcome(await verifyToken(keys, await brokerToken(times, role), [role], () => NOW, maxMs)), want, what);
});

t.test('the refusal says how long the token lives and the limit', async (t) => {
  const r = await verifyToken(keys, await brokerToken({ iat: now, exp: now + 99_999 * DAY }), ['agent'], () => NOW);
  t.match(r, { ok: false, issue: { code: 'AUTH_TOKEN_LIFETIME', reason: 'lifetime-too-long', message: /lives 99999d, longer than the 30d this broker accepts: issue one with a shorter --ttl/ } });
  const noIat = await verifyToken(keys, await brokerToken({ exp: now + 2 * HOUR }), ['agent'], () => NOW, HOUR * 1000);
  t.match(noIat, { ok: false, issue: { message: /has no iat and is valid for another 2h, longer than the 1h/ } });
});

t.test('the bearer verifier applies the broker limit it was given to broker tokens', async (t) => {
  const v = createBearerVerifier(keys, [], HOUR * 1000);
  t.equal(outcome(await v(await brokerToken({ iat: now, exp: now + HOUR }), ['agent'], NOW)), 'ok');
  t.equal(outcome(await v(await brokerToken({ iat: now, exp: now + HOUR + 1 }), ['agent'], NOW)), REFUSED);
  t.equal(outcome(await createBearerVerifier(keys, [])(await brokerToken({ iat: now, exp: now + 31 * DAY }), ['agent'], NOW)), REFUSED, 'no limit given: the default still holds');
});

t.test('external issuers: each its own maximum (default 24h), clock skew only without iat', async (t) => {
  const key = await makeKey('k-1');
  const jwksFile = join(dir, 'jwks.json');
  writeFileSync(jwksFile, JSON.stringify({ keys: [key.publicJwk] }));
  const checked = checkIssuers([
    { name: 'ci', issuer: 'https://ci.test', jwksFile, audience: 'aws-guard', clockSkew: '30s', maxTokenLifetime: '10m' },
    { name: 'idp', issuer: 'https://idp.test', jwksFile, audience: 'aws-guard' },
  ], dir);
  t.same(checked.problems, []);
  const v = createBearerVerifier(keys, checked.issuers, 365 * DAY * 1000);
  const token = (iss: string, times: JWTPayload) => signWith(key, { iss, aud: 'aws-guard', sub: 'x', ...times });
  const table: [string, string, JWTPayload, string][] = [
    ['ci: exactly 10m', 'https://ci.test', { iat: now, exp: now + 600 }, 'ok'],
    ['ci: 10m and 1s (the broker limit of 365d does not apply)', 'https://ci.test', { iat: now, exp: now + 601 }, REFUSED],
    ['ci: 10m and 1s even with 30s skew (iat and exp come from one clock)', 'https://ci.test', { iat: now - 5, exp: now - 5 + 601 }, REFUSED],
    ['ci: no iat, 10m30s left (within the skew)', 'https://ci.test', { exp: now + 630 }, 'ok'],
    ['ci: no iat, 10m31s left', 'https://ci.test', { exp: now + 631 }, REFUSED],
    ['idp: exactly the 24h default', 'https://idp.test', { iat: now, exp: now + DAY }, 'ok'],
    ['idp: a second over the 24h default', 'https://idp.test', { iat: now, exp: now + DAY + 1 }, REFUSED],
  ];
  for (const [what, iss, times, want] of table) t.equal(outcome(await v(await token(iss, times), ['agent'], NOW)), want, what);
  const r = await v(await token('https://ci.test', { iat: now, exp: now + DAY }), ['agent'], NOW);
  t.match(r, { ok: false, issue: { message: /the token from issuer ci lives 1d, longer than the 10m this broker accepts \(its maxTokenLifetime in the broker config\)/ } });
});

t.test('lifetimes are described exactly, in their non-zero units', async (t) => {
  for (const [ms, text] of [[0, '0s'], [999, '0s'], [61_000, '1m1s'], [3_601_000, '1h1s'], [30 * DAY * 1000, '30d'], [(DAY + 90) * 1000, '1d1m30s']] as const)
    t.equal(describeLifetime(ms), text, `${ms} ms`);
});
