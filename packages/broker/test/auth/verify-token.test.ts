import t from 'tap';
import { createHmac } from 'node:crypto';
import { join } from 'node:path';
import { SignJWT, exportJWK, generateKeyPair, type JWTPayload } from 'jose';
import { loadOrCreateTokenKeys } from '@aws-guard/broker/auth/token-keys';
import { issueToken } from '@aws-guard/broker/auth/issue-token';
import { bearerToken, verifyToken } from '@aws-guard/broker/auth/verify-token';

const dir = t.testdir();
const keys = await loadOrCreateTokenKeys(join(dir, 'broker'));
const other = await loadOrCreateTokenKeys(join(dir, 'another-broker'));
const HOUR = 3_600_000;
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
const nowSec = () => Math.floor(Date.now() / 1000);
const goodClaims = (): JWTPayload => ({ iss: 'aws-guard', aud: 'aws-guard', sub: 'claude', human: 'alice', role: 'agent', sid: 'ses_1', jti: 'j1', iat: nowSec(), exp: nowSec() + 3600 });
/** Signs any claims with the broker's own key: only the claims are wrong. */
const signed = (claims: JWTPayload) => new SignJWT(claims).setProtectedHeader({ alg: 'EdDSA', kid: keys.keyId }).sign(keys.privateKey);
const code = async (token: string, roles: readonly ('agent' | 'approver' | 'admin')[] = ['agent'], now?: () => Date) => {
  const r = await verifyToken(keys, token, roles, now);
  return r.ok ? 'ok' : r.issue.code;
};
const reason = async (token: string, roles: readonly ('agent' | 'approver' | 'admin')[] = ['agent']) => {
  const r = await verifyToken(keys, token, roles);
  return r.ok ? 'ok' : r.issue.reason;
};

t.test('a token the broker issued verifies to the identity it names', async (t) => {
  const issued = await issueToken(keys, { agent: 'claude', human: 'alice', role: 'agent', ttlMs: HOUR, sessionId: 'ses_x' });
  const r = await verifyToken(keys, issued.token, ['agent']);
  t.ok(r.ok);
  if (!r.ok) return;
  const jti = JSON.parse(Buffer.from(issued.token.split('.')[1]!, 'base64url').toString()).jti;
  t.same(r.value, { agent: 'claude', human: 'alice', role: 'agent', groups: [], sessionId: 'ses_x', tokenId: jti, expiresAt: issued.expiresAt });
  t.ok(Object.isFrozen(r.value));
});

t.test('expiry is judged by the clock given, on either side', async (t) => {
  const past = new Date(Date.now() - 2 * HOUR);
  const stale = await issueToken(keys, { agent: 'a', human: 'h', role: 'agent', ttlMs: HOUR, now: past });
  t.equal(await code(stale.token), 'AUTH_TOKEN_EXPIRED', 'issued two hours ago for one hour');
  const fresh = await issueToken(keys, { agent: 'a', human: 'h', role: 'agent', ttlMs: HOUR });
  t.equal(await code(fresh.token, ['agent'], () => new Date(Date.now() + 2 * HOUR)), 'AUTH_TOKEN_EXPIRED', 'verified two hours later');
  t.equal(await code(fresh.token, ['agent'], () => new Date(Date.now() + HOUR - 60_000)), 'ok', 'a minute before expiry');
  t.equal(await code(stale.token, ['agent'], () => past), 'ok', 'the stale token was fine when issued');
});

t.test('a token signed by another broker is AUTH_TOKEN_INVALID', async (t) => {
  const { token } = await issueToken(other, { agent: 'a', human: 'h', role: 'agent', ttlMs: HOUR });
  t.equal(await code(token), 'AUTH_TOKEN_INVALID');
});

t.test('any change to a signed token breaks it', async (t) => {
  const { token } = await issueToken(keys, { agent: 'claude', human: 'alice', role: 'agent', ttlMs: HOUR });
  const [h, p, s] = token.split('.') as [string, string, string];
  const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
  const forged: Array<[string, string]> = [
    ['role raised to admin', `${h}.${b64({ ...claims, role: 'admin' })}.${s}`],
    ['expiry pushed out', `${h}.${b64({ ...claims, exp: claims.exp + 10 * 365 * 86_400 })}.${s}`],
    ['another human', `${h}.${b64({ ...claims, human: 'root' })}.${s}`],
    ['a flipped signature byte', `${h}.${p}.${s.startsWith('A') ? 'B' : 'A'}${s.slice(1)}`],
  ];
  for (const [name, bad] of forged) t.equal(await code(bad, ['agent', 'approver', 'admin']), 'AUTH_TOKEN_INVALID', name);
});

t.test('tokens in an algorithm other than EdDSA are refused, however crafted', async (t) => {
  const claims = b64({ ...goodClaims(), role: 'admin' });
  const none = `${b64({ alg: 'none', typ: 'JWT' })}.${claims}.`;
  // HMAC keyed with the broker's public key: the classic algorithm-confusion forgery.
  const publicX = (await exportJWK(keys.publicKey)).x ?? '';
  const hsInput = `${b64({ alg: 'HS256', typ: 'JWT', kid: keys.keyId })}.${claims}`;
  const hs256 = `${hsInput}.${createHmac('sha256', publicX).update(hsInput).digest('base64url')}`;
  const es = await generateKeyPair('ES256');
  const es256 = await new SignJWT({ ...goodClaims(), role: 'admin' }).setProtectedHeader({ alg: 'ES256', kid: keys.keyId }).sign(es.privateKey);
  for (const [name, token] of [['alg none', none], ['HS256', hs256], ['ES256', es256]] as const) {
    t.equal(await code(token, ['admin']), 'AUTH_TOKEN_INVALID', name);
  }
});

t.test('claims not meant for this broker are AUTH_TOKEN_CLAIMS', async (t) => {
  const cases: Array<[string, JWTPayload]> = [
    ['another audience', { ...goodClaims(), aud: 'someone-else' }],
    ['another issuer', { ...goodClaims(), iss: 'https://token.actions.githubusercontent.com' }],
    ['a token not valid yet', { ...goodClaims(), nbf: nowSec() + 3600 }],
    ['no subject', { ...goodClaims(), sub: undefined }],
    ['no expiry', { ...goodClaims(), exp: undefined }],
    ['no token id', { ...goodClaims(), jti: undefined }],
    ['no role', { ...goodClaims(), role: undefined }],
    ['no human', { ...goodClaims(), human: undefined }],
    ['no session', { ...goodClaims(), sid: undefined }],
    ['a role aws-guard does not know', { ...goodClaims(), role: 'root' }],
    ['a role that is not a string', { ...goodClaims(), role: ['agent'] }],
    ['a human that is not a string', { ...goodClaims(), human: 7 }],
    ['a session that is not a string', { ...goodClaims(), sid: { id: 1 } }],
    ['a subject that is not a string', { ...goodClaims(), sub: 42 as unknown as string }],
  ];
  for (const [name, claims] of cases) t.equal(await code(await signed(claims), ['agent', 'approver', 'admin']), 'AUTH_TOKEN_CLAIMS', name);
});

t.test('groups: the issued list reaches the identity (as a set); a malformed list is refused, never read as none', async (t) => {
  const issued = await issueToken(keys, { agent: 'a', human: 'h', role: 'agent', ttlMs: HOUR, groups: ['team-a', 'org:sre/eu', 'x@corp', 'team-a'] });
  const r = await verifyToken(keys, issued.token, ['agent']);
  t.ok(r.ok);
  if (r.ok) {
    t.same(r.value.groups, ['team-a', 'org:sre/eu', 'x@corp']);
    t.ok(Object.isFrozen(r.value.groups));
  }
  const cases: Array<[string, unknown]> = [
    ['not a list', 'team-a'],
    ['a non-string member', ['team-a', 7]],
    ['an empty name', ['']],
    ['a space in a name', ['team a']],
    ['a name over 128 characters', ['g'.repeat(129)]],
    ['33 groups', Array.from({ length: 33 }, (_, i) => `g${i}`)],
  ];
  for (const [name, groups] of cases) {
    const v = await verifyToken(keys, await signed({ ...goodClaims(), groups }), ['agent']);
    t.match(v, { ok: false, issue: { code: 'AUTH_TOKEN_CLAIMS', message: /groups claim is invalid/ } }, name);
  }
  t.equal(await code(await signed({ ...goodClaims(), groups: Array.from({ length: 32 }, (_, i) => `g${i}`) })), 'ok', '32 groups');
  t.equal(await code(await signed({ ...goodClaims(), groups: [] })), 'ok', 'an empty list');
});

t.test('a valid token of a role not allowed here is AUTH_WRONG_ROLE, naming both', async (t) => {
  const roles = [
    ['approver', ['agent'], 'AUTH_WRONG_ROLE'],
    ['agent', ['approver', 'admin'], 'AUTH_WRONG_ROLE'],
    ['admin', ['agent'], 'AUTH_WRONG_ROLE'],
    ['admin', ['approver', 'admin'], 'ok'],
    ['approver', ['approver', 'admin'], 'ok'],
    ['agent', [], 'AUTH_WRONG_ROLE'],
  ] as const;
  for (const [role, allowed, expected] of roles) {
    const { token } = await issueToken(keys, { agent: 'a', human: 'h', role, ttlMs: HOUR });
    const r = await verifyToken(keys, token, allowed);
    t.equal(r.ok ? 'ok' : r.issue.code, expected, `${role} where ${allowed.join('|') || 'nothing'} is allowed`);
    if (!r.ok) t.match(r.issue.message, role, 'the message names the role');
  }
});

t.test('strings that are not JWTs are AUTH_TOKEN_MALFORMED', async (t) => {
  for (const token of ['', 'good', 'a.b', 'a.b.c', 'a.b.c.d.e', `${b64({ alg: 'EdDSA' })}.not-base64!.x`, `${b64({})}.${b64({})}.`])
    t.equal(await code(token), 'AUTH_TOKEN_MALFORMED', JSON.stringify(token));
});

const headers: Array<[string, string | undefined, string]> = [
  ['no header', undefined, 'AUTH_TOKEN_MISSING'],
  ['an empty header', '', 'AUTH_TOKEN_MISSING'],
  ['a bearer token', 'Bearer aaa.bbb.ccc', 'aaa.bbb.ccc'],
  ['surrounding whitespace', '  Bearer aaa.bbb-_.ccc \t', 'aaa.bbb-_.ccc'],
  ['Basic auth', 'Basic dXNlcjpwYXNz', 'AUTH_TOKEN_MALFORMED'],
  ['the scheme alone', 'Bearer', 'AUTH_TOKEN_MALFORMED'],
  ['the scheme and a space', 'Bearer ', 'AUTH_TOKEN_MALFORMED'],
  ['a token without scheme', 'aaa.bbb.ccc', 'AUTH_TOKEN_MALFORMED'],
  ['two spaces', 'Bearer  aaa.bbb.ccc', 'AUTH_TOKEN_MALFORMED'],
  ['two tokens', 'Bearer aaa.bbb.ccc ddd.eee.fff', 'AUTH_TOKEN_MALFORMED'],
  ['a comma list', 'Bearer aaa.bbb.ccc, Bearer x', 'AUTH_TOKEN_MALFORMED'],
  ['a token with a header injection', 'Bearer aaa\r\nX-Admin: 1', 'AUTH_TOKEN_MALFORMED'],
  ['a token with base64 padding', 'Bearer aaa.bbb.ccc==', 'AUTH_TOKEN_MALFORMED'],
];

t.test('bearerToken takes exactly "Bearer <token>" and says what is wrong otherwise', async (t) => {
  for (const [name, header, expected] of headers) {
    const r = bearerToken(header);
    t.equal(r.ok ? r.value : r.issue.code, expected, name);
  }
});

t.test('every refusal carries the finer reason the audit records (token.rejected)', async (t) => {
  const { token } = await issueToken(keys, { agent: 'claude', human: 'alice', role: 'agent', ttlMs: HOUR });
  const [h, p, s] = token.split('.') as [string, string, string];
  const stale = await issueToken(keys, { agent: 'a', human: 'h', role: 'agent', ttlMs: HOUR, now: new Date(Date.now() - 2 * HOUR) });
  const foreign = await issueToken(other, { agent: 'a', human: 'h', role: 'agent', ttlMs: HOUR });
  // The same kid as ours but another key: the signature is bad, not the key unknown.
  const sameKid = await new SignJWT(goodClaims()).setProtectedHeader({ alg: 'EdDSA', kid: keys.keyId }).sign(other.privateKey);
  const noKid = await new SignJWT(goodClaims()).setProtectedHeader({ alg: 'EdDSA' }).sign(other.privateKey);
  const cases: Array<[string, string, readonly ('agent' | 'approver' | 'admin')[], string]> = [
    ['expired', stale.token, ['agent'], 'expired'],
    ['a flipped signature byte', `${h}.${p}.${s.startsWith('A') ? 'B' : 'A'}${s.slice(1)}`, ['agent'], 'bad-signature'],
    ['signed under our kid by another key', sameKid, ['agent'], 'bad-signature'],
    ['signed by another key without a kid', noKid, ['agent'], 'bad-signature'],
    ['signed by another broker (its own kid)', foreign.token, ['agent'], other.keyId !== keys.keyId ? 'unknown-key' : 'bad-signature'],
    ['alg none', `${b64({ alg: 'none', typ: 'JWT' })}.${b64(goodClaims())}.`, ['agent'], 'algorithm'],
    ['another audience', await signed({ ...goodClaims(), aud: 'x' }), ['agent'], 'wrong-audience'],
    ['another issuer', await signed({ ...goodClaims(), iss: 'x' }), ['agent'], 'wrong-issuer'],
    ['not valid yet', await signed({ ...goodClaims(), nbf: nowSec() + 3600 }), ['agent'], 'not-yet-valid'],
    ['no token id', await signed({ ...goodClaims(), jti: undefined }), ['agent'], 'claims'],
    ['no human', await signed({ ...goodClaims(), human: undefined }), ['agent'], 'claims'],
    ['bad groups', await signed({ ...goodClaims(), groups: 'x' }), ['agent'], 'claims'],
    ['the wrong role', token, ['approver'], 'wrong-role'],
    ['not a JWT', 'a.b.c', ['agent'], 'malformed'],
  ];
  for (const [name, tok, roles, expected] of cases) t.equal(await reason(tok, roles), expected, name);
  const missing = bearerToken(undefined);
  t.equal(missing.ok ? 'ok' : missing.issue.reason, 'missing');
  const basic = bearerToken('Basic eA==');
  t.equal(basic.ok ? 'ok' : basic.issue.reason, 'malformed');
});
