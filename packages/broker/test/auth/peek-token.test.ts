import t from 'tap';
import { checkJsonObject } from '@aws-guard/shared/audit/check-json-object';
import { MAX_PEEK_CHARS, peekToken } from '@aws-guard/broker/auth/peek-token';

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
const jwt = (header: unknown, payload: unknown, signature = 'c2lnbmF0dXJlLWJ5dGVzLXRoYXQtbXVzdC1ub3Qtc3RheQ') => `${b64(header)}.${b64(payload)}.${signature}`;

t.test('keeps the header fields and claims worth auditing, nothing else', async (t) => {
  const token = jwt({ alg: 'EdDSA', kid: 'k-1', typ: 'JWT', jku: 'https://evil' }, { iss: 'aws-guard', aud: ['a', 'b'], sub: 'bot', human: 'h', role: 'agent', sid: 's', jti: 'j', iat: 1, nbf: 2, exp: 3, secret: 'x', groups: ['g'] });
  t.same(peekToken(token), {
    header: { alg: 'EdDSA', kid: 'k-1', typ: 'JWT' },
    claims: { iss: 'aws-guard', aud: ['a', 'b'], sub: 'bot', human: 'h', role: 'agent', sid: 's', jti: 'j', iat: 1, nbf: 2, exp: 3 },
  });
  t.notOk(JSON.stringify(peekToken(token)).includes('c2lnbmF0dXJl'), 'never the signature');
});

t.test('what a forger controls is bounded and safe to hash', async (t) => {
  const token = `${b64({ alg: 'EdDSA', kid: 'k'.repeat(1000) })}.${Buffer.from('{"sub":"\\ud800x","exp":1e400,"aud":["a","b","c","d","e",{"o":1}],"jti":{"x":1}}').toString('base64url')}.sig`;
  const peeked = peekToken(token);
  t.equal((peeked?.['header'] as { kid: string }).kid.length, MAX_PEEK_CHARS + 1, 'a long kid is cut (plus an ellipsis)');
  t.same(peeked?.['claims'], { sub: '\uFFFDx', aud: ['a', 'b', 'c', 'd'] }, 'lone surrogates replaced, Infinity and objects dropped, lists cut');
  t.equal(checkJsonObject(peeked).ok, true, 'the audit writer takes it');
  t.equal(checkJsonObject(peekToken(`${b64({ alg: 'x', kid: `${'k'.repeat(MAX_PEEK_CHARS - 1)}\u{1F600}` })}.e30.x`)).ok, true, 'a pair cut in two is repaired');
});

t.test('a token that does not decode is null; a header alone is kept', async (t) => {
  t.equal(peekToken('abc.def.ghi'), null);
  t.equal(peekToken(''), null);
  t.same(peekToken(`${b64({ alg: 'HS256' })}.not-json.x`), { header: { alg: 'HS256' }, claims: {} });
});
