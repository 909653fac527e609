import t from 'tap';
import { createHmac } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exportSPKI, type JWTPayload } from 'jose';
import { checkIssuers } from '@aws-guard/broker/config/issuers-rules';
import { loadOrCreateTokenKeys } from '@aws-guard/broker/auth/token-keys';
import { issueToken } from '@aws-guard/broker/auth/issue-token';
import { createBearerVerifier } from '@aws-guard/broker/auth/verify-bearer';
import type { Role } from '@aws-guard/broker/auth/identity';
import { makeKey, signWith, startJwksServer } from './jwks-server.js';

const dir = t.testdir();
const brokerKeys = await loadOrCreateTokenKeys(join(dir, 'broker'));
const NOW = new Date('2026-11-27T00:00:00Z');
const now = Math.floor(NOW.getTime() / 1000);
const K8S = 'https://kubernetes.default.svc.cluster.local';
const CI = 'https://ci.example.test';

const keyA = await makeKey('key-a');
const keyB = await makeKey('key-b');
const stranger = await makeKey('key-a'); // same kid as A, a different key
const ecKey = await makeKey('key-ec', 'ES256');
const jwks = await startJwksServer([keyA]);
t.teardown(() => jwks.close());

const issuersFrom = (raw: unknown[]) => {
  const checked = checkIssuers(raw, dir);
  if (checked.problems.length > 0) throw new Error(checked.problems.join('\n'));
  return checked.issuers;
};
const k8sIssuer = (extra: Record<string, unknown> = {}) => ({
  name: 'k8s', issuer: K8S, jwksUrl: jwks.url, audience: 'aws-guard', clockSkew: '30s', jwksCooldown: '0s',
  claims: { agent: 'kubernetes.io.serviceaccount.name', human: { value: 'platform-team' }, groups: ['kubernetes.io.namespace'] },
  ...extra,
});
const ciIssuer = (extra: Record<string, unknown> = {}) => ({
  name: 'ci', issuer: CI, jwksUrl: jwks.url, audience: ['aws-guard', 'other'], algorithms: ['RS256'], clockSkew: '0s', jwksCooldown: '0s',
  claims: { agent: 'sub', human: 'actor', groups: ['repository', 'teams'] },
  role: { approverGroups: ['sre'], adminGroups: ['security'] },
  ...extra,
});

const k8sClaims = (extra: JWTPayload = {}): JWTPayload => ({
  iss: K8S, aud: ['aws-guard'], sub: 'system:serviceaccount:payments:deployer', iat: now - 60, nbf: now - 60, exp: now + 3600, jti: 'k-1',
  'kubernetes.io': { namespace: 'payments', serviceaccount: { name: 'deployer', uid: 'u-1' }, pod: { name: 'p', uid: 'p-1' } },
  ...extra,
});
const ciClaims = (extra: JWTPayload = {}): JWTPayload => ({
  iss: CI, aud: 'aws-guard', sub: 'repo:acme/app:ref:refs/heads/main', actor: 'octocat', repository: 'acme/app', teams: ['dev'],
  iat: now, exp: now + 600, jti: 'c-1', ...extra,
});

const verifier = createBearerVerifier(brokerKeys, issuersFrom([k8sIssuer(), ciIssuer()]));
const check = async (token: string, roles: readonly Role[] = ['agent'], at: Date = NOW, v = verifier) => {
  const r = await v(token, roles, at);
  return r.ok ? 'ok' : `${r.issue.code}/${r.issue.reason}`;
};

t.test('a Kubernetes token maps nested claims whose keys hold dots, namespaced by the issuer', async (t) => {
  const r = await verifier(await signWith(keyA, k8sClaims()), ['agent'], NOW);
  t.ok(r.ok);
  if (!r.ok) return;
  t.match(r.value, { agent: 'k8s/deployer', human: 'platform-team', role: 'agent', groups: ['k8s/payments'], tokenId: 'k-1', expiresAt: new Date((now + 3600) * 1000) });
  t.same(r.value.source, { name: 'k8s', humanNamespace: null, url: K8S, subject: 'system:serviceaccount:payments:deployer', keyId: 'key-a' });
  t.match(r.value.sessionId, /^ses_[0-9a-f]{20}$/);
});

t.test('a CI token maps claims, groups from a string and a list, and its role from an IdP group', async (t) => {
  const r = await verifier(await signWith(keyA, ciClaims({ teams: ['dev'] })), ['agent'], NOW);
  t.ok(r.ok);
  if (r.ok) t.match(r.value, { agent: 'ci/repo:acme/app:ref:refs/heads/main', human: 'ci/octocat', role: 'agent', groups: ['ci/acme/app', 'ci/dev'] });
  const approver = await verifier(await signWith(keyA, ciClaims({ teams: ['dev', 'sre'] })), ['approver', 'admin'], NOW);
  t.ok(approver.ok && approver.value.role === 'approver', 'a member of sre is an approver');
  const admin = await verifier(await signWith(keyA, ciClaims({ teams: ['security'] })), ['approver', 'admin'], NOW);
  t.ok(admin.ok && admin.value.role === 'admin', 'a member of security is an admin');
  t.equal(await check(await signWith(keyA, ciClaims({ teams: ['dev'] })), ['approver', 'admin']), 'AUTH_WRONG_ROLE/wrong-role', 'a plain member cannot approve');
});

t.test('two issuers naming the same subject give two identities', async (t) => {
  const v = createBearerVerifier(brokerKeys, issuersFrom([
    ciIssuer({ claims: { agent: 'sub' } }),
    ciIssuer({ name: 'ci-eu', issuer: 'https://ci-eu.example.test', claims: { agent: 'sub' } }),
  ]));
  const one = await v(await signWith(keyA, ciClaims({ sub: 'deploy' })), ['agent'], NOW);
  const two = await v(await signWith(keyA, ciClaims({ sub: 'deploy', iss: 'https://ci-eu.example.test' })), ['agent'], NOW);
  t.ok(one.ok && two.ok);
  if (!one.ok || !two.ok) return;
  t.equal(one.value.agent, 'ci/deploy');
  t.equal(two.value.agent, 'ci-eu/deploy');
  t.not(one.value.human, two.value.human, 'the default human (the agent claim) is namespaced too');
  t.not(one.value.sessionId, two.value.sessionId);
});

t.test('broker-issued tokens keep working beside external issuers', async (t) => {
  const issued = await issueToken(brokerKeys, { agent: 'claude', human: 'alice', role: 'agent', ttlMs: 3_600_000, now: NOW });
  const r = await verifier(issued.token, ['agent'], NOW);
  t.ok(r.ok && r.value.agent === 'claude' && r.value.source === undefined);
});

t.test('refusals name their reason', async (t) => {
  const table: [string, Promise<string>, string][] = [
    ['issuer nobody trusts', signWith(keyA, ciClaims({ iss: 'https://evil.example.test' })), 'AUTH_TOKEN_CLAIMS/wrong-issuer'],
    ['audience of another service', signWith(keyA, ciClaims({ aud: 'sts.amazonaws.com' })), 'AUTH_TOKEN_CLAIMS/wrong-audience'],
    ['no audience', signWith(keyA, ciClaims({ aud: undefined })), 'AUTH_TOKEN_CLAIMS/wrong-audience'],
    ['expired', signWith(keyA, ciClaims({ exp: now - 1 })), 'AUTH_TOKEN_EXPIRED/expired'],
    ['not yet valid', signWith(keyA, ciClaims({ nbf: now + 5 })), 'AUTH_TOKEN_CLAIMS/not-yet-valid'],
    ['no exp at all', signWith(keyA, ciClaims({ exp: undefined })), 'AUTH_CLAIM_MISSING/missing-claim'],
    ['a kid the issuer does not publish', signWith(keyB, ciClaims()), 'AUTH_TOKEN_INVALID/unknown-key'],
    ['the published kid, another key', signWith(stranger, ciClaims()), 'AUTH_TOKEN_INVALID/bad-signature'],
    ['an algorithm the issuer does not allow', signWith(ecKey, ciClaims()), 'AUTH_TOKEN_INVALID/algorithm'],
    ['the mapped human claim missing', signWith(keyA, ciClaims({ actor: undefined })), 'AUTH_CLAIM_MISSING/missing-claim'],
    ['the mapped agent claim missing', signWith(keyA, k8sClaims({ 'kubernetes.io': { namespace: 'payments' } })), 'AUTH_CLAIM_MISSING/missing-claim'],
    ['a group that is not a string', signWith(keyA, ciClaims({ teams: ['dev', 7] })), 'AUTH_TOKEN_CLAIMS/claims'],
    ['an agent claim with a control character', signWith(keyA, ciClaims({ sub: 'a\nb' })), 'AUTH_TOKEN_CLAIMS/claims'],
  ];
  for (const [name, token, expected] of table) t.equal(await check(await token), expected, name);
});

t.test('algorithm confusion: none, and HS256 keyed with the public key, are refused', async (t) => {
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const unsigned = `${b64({ alg: 'none', typ: 'JWT' })}.${b64(ciClaims())}.`;
  t.equal(await check(unsigned), 'AUTH_TOKEN_INVALID/algorithm', 'alg none');
  for (const secret of [await exportSPKI((await import('node:crypto')).createPublicKey({ key: keyA.publicJwk as never, format: 'jwk' }) as never).catch(() => JSON.stringify(keyA.publicJwk)), JSON.stringify(keyA.publicJwk)]) {
    const head = b64({ alg: 'HS256', kid: 'key-a', typ: 'JWT' });
    const body = b64(ciClaims());
    const mac = createHmac('sha256', secret).update(`${head}.${body}`).digest('base64url');
    t.equal(await check(`${head}.${body}.${mac}`), 'AUTH_TOKEN_INVALID/algorithm', 'HS256 with the public key as secret');
  }
});

t.test('clock skew is honoured exactly at its edges', async (t) => {
  // k8s allows 30 s: exp must be later than now - 30 s, nbf no later than now + 30 s (jose's rules).
  t.equal(await check(await signWith(keyA, k8sClaims({ exp: now - 29 }))), 'ok', 'expired 29 s ago');
  t.equal(await check(await signWith(keyA, k8sClaims({ exp: now - 30 }))), 'AUTH_TOKEN_EXPIRED/expired', 'expired 30 s ago');
  t.equal(await check(await signWith(keyA, k8sClaims({ nbf: now + 30, iat: now }))), 'ok', 'valid in 30 s');
  t.equal(await check(await signWith(keyA, k8sClaims({ nbf: now + 31, iat: now }))), 'AUTH_TOKEN_CLAIMS/not-yet-valid', 'valid in 31 s');
  t.equal(await check(await signWith(keyA, k8sClaims({ iat: now + 31, nbf: undefined }))), 'AUTH_TOKEN_CLAIMS/not-yet-valid', 'issued 31 s in the future');
});

t.test('a rotated key is fetched on its first use; the retired one is refused', async (t) => {
  const v = createBearerVerifier(brokerKeys, issuersFrom([ciIssuer()]));
  t.equal(await check(await signWith(keyA, ciClaims()), ['agent'], NOW, v), 'ok');
  const before = jwks.fetches();
  jwks.publish([keyB]);
  t.equal(await check(await signWith(keyB, ciClaims()), ['agent'], NOW, v), 'ok', 'key B, unknown to the cache, is fetched');
  t.equal(jwks.fetches(), before + 1, 'one refetch');
  t.equal(await check(await signWith(keyA, ciClaims()), ['agent'], NOW, v), 'AUTH_TOKEN_INVALID/unknown-key', 'key A is gone');
  jwks.publish([keyA]);
});

t.test('a cooldown stops unknown kids from refetching the key set each time', async (t) => {
  const v = createBearerVerifier(brokerKeys, issuersFrom([ciIssuer({ jwksCooldown: '10m' })]));
  t.equal(await check(await signWith(keyA, ciClaims()), ['agent'], NOW, v), 'ok');
  const before = jwks.fetches();
  for (let i = 0; i < 5; i += 1) t.equal(await check(await signWith(keyB, ciClaims()), ['agent'], NOW, v), 'AUTH_TOKEN_INVALID/unknown-key');
  t.equal(jwks.fetches(), before, 'no fetch within the cooldown');
});

t.test('the JWKS endpoint down: refused (fail closed), then accepted when it is back', async (t) => {
  const v = createBearerVerifier(brokerKeys, issuersFrom([ciIssuer({ jwksCacheMaxAge: '0s', jwksTimeout: '2s' })]));
  for (const state of ['error', 'drop'] as const) {
    jwks.setState(state);
    const r = await v(await signWith(keyA, ciClaims()), ['agent'], NOW);
    t.equal(r.ok ? 'ok' : `${r.issue.code}/${r.issue.reason}`, 'AUTH_JWKS_UNAVAILABLE/jwks-unavailable', state);
    if (!r.ok) t.match(r.issue.message, /cannot get the keys of issuer ci/);
  }
  jwks.setState('up');
  t.equal(await check(await signWith(keyA, ciClaims()), ['agent'], NOW, v), 'ok', 'recovered');
});

t.test('a local JWKS file serves air-gapped issuers', async (t) => {
  const file = join(dir, 'jwks.json');
  writeFileSync(file, JSON.stringify({ keys: [ecKey.publicJwk] }));
  const v = createBearerVerifier(brokerKeys, issuersFrom([{ name: 'air', issuer: 'https://idp.internal', jwksFile: file, audience: 'aws-guard' }]));
  const r = await v(await signWith(ecKey, { iss: 'https://idp.internal', aud: 'aws-guard', sub: 'job-7', exp: now + 60 }), ['agent'], NOW);
  t.ok(r.ok);
  if (r.ok) t.match(r.value, { agent: 'air/job-7', human: 'air/job-7', tokenId: /^sha256:[0-9a-f]{32}$/ });
  t.equal(await check(await signWith(keyA, { iss: 'https://idp.internal', aud: 'aws-guard', sub: 'job-7', exp: now + 60 }), ['agent'], NOW, v), 'AUTH_TOKEN_INVALID/unknown-key');
});
