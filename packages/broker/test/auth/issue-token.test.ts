import t from 'tap';
import { loadOrCreateTokenKeys } from '@aws-guard/broker/auth/token-keys';
import { issueToken } from '@aws-guard/broker/auth/issue-token';

const part = (token: string, i: number): Record<string, unknown> =>
  JSON.parse(Buffer.from(token.split('.')[i] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;

t.test('a token is a compact EdDSA JWT naming the key that signed it', async (t) => {
  const keys = await loadOrCreateTokenKeys(t.testdir());
  const { token } = await issueToken(keys, { agent: 'claude', human: 'alice', role: 'agent', ttlMs: 3_600_000 });
  t.equal(token.split('.').length, 3);
  t.same(part(token, 0), { alg: 'EdDSA', kid: keys.keyId, typ: 'JWT' });
});

const requests = [
  { agent: 'claude', human: 'alice', role: 'agent' as const, ttlMs: 8 * 3_600_000 },
  { agent: 'ci-deploy', human: 'bob@example.com', role: 'approver' as const, ttlMs: 60_000 },
  { agent: 'ops', human: 'carol', role: 'admin' as const, ttlMs: 1000, sessionId: 'ses_given' },
];

t.test('the claims carry agent, human, role, session, issuer, audience and the times asked for', async (t) => {
  const keys = await loadOrCreateTokenKeys(t.testdir());
  const now = new Date('2030-01-02T03:04:05.678Z');
  const iat = Math.floor(now.getTime() / 1000);
  for (const req of requests) {
    const issued = await issueToken(keys, { ...req, now });
    const claims = part(issued.token, 1);
    t.match(claims, { iss: 'aws-guard', aud: 'aws-guard', sub: req.agent, human: req.human, role: req.role, sid: issued.sessionId, iat }, req.agent);
    t.equal(claims['exp'], iat + req.ttlMs / 1000, `${req.agent}: exp`);
    t.equal(issued.expiresAt.getTime(), (iat + req.ttlMs / 1000) * 1000, `${req.agent}: expiresAt matches exp`);
    t.type(claims['jti'], 'string');
  }
});

t.test('a given session id is used; otherwise each token opens a fresh session', async (t) => {
  const keys = await loadOrCreateTokenKeys(t.testdir());
  const base = { agent: 'a', human: 'h', role: 'agent' as const, ttlMs: 60_000 };
  t.equal((await issueToken(keys, { ...base, sessionId: 'ses_mine' })).sessionId, 'ses_mine');
  const a = await issueToken(keys, base);
  const b = await issueToken(keys, base);
  t.match(a.sessionId, /^ses_[0-9a-f]{20}$/);
  t.not(a.sessionId, b.sessionId);
  t.not(part(a.token, 1)['jti'], part(b.token, 1)['jti'], 'every token has its own id');
});

t.test('a ttl under one second still gives one second, never an already-expired token', async (t) => {
  const keys = await loadOrCreateTokenKeys(t.testdir());
  const now = new Date('2030-01-01T00:00:00Z');
  for (const ttlMs of [0, 1, 999]) {
    const claims = part((await issueToken(keys, { agent: 'a', human: 'h', role: 'agent', ttlMs, now })).token, 1);
    t.equal(Number(claims['exp']) - Number(claims['iat']), 1, `ttl ${ttlMs}`);
  }
});

t.test('groups are a claim only when there are any; a list the broker would refuse is never signed', async (t) => {
  const keys = await loadOrCreateTokenKeys(t.testdir());
  const base = { agent: 'a', human: 'h', role: 'agent' as const, ttlMs: 60_000 };
  t.notOk('groups' in part((await issueToken(keys, base)).token, 1), 'no groups: no claim');
  t.notOk('groups' in part((await issueToken(keys, { ...base, groups: [] })).token, 1), 'an empty list: no claim');
  t.same(part((await issueToken(keys, { ...base, groups: ['team-a', 'team-b', 'team-a'] })).token, 1)['groups'], ['team-a', 'team-b']);
  await t.rejects(issueToken(keys, { ...base, groups: ['has space'] }), /issueToken: group "has space"/);
});
