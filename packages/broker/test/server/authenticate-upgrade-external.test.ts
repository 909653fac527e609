// Tokens from a trusted external issuer at the upgrade: the acceptance records issuer, subject, key, token id
// and the mapped identity; a rejection records its stable code and reason; neither holds the token.
import t from 'tap';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { AuditEvent } from '@aws-guard/shared/audit/audit-record';
import { AGENT_PATH, APPROVER_PATH } from '@aws-guard/shared/protocol/endpoints';
import { loadOrCreateTokenKeys } from '@aws-guard/broker/auth/token-keys';
import { checkIssuers } from '@aws-guard/broker/config/issuers-rules';
import { createLogger } from '@aws-guard/broker/log/create-logger';
import { createUpgradeAuthenticator } from '@aws-guard/broker/server/authenticate-upgrade';
import { makeKey, signWith } from '../auth/jwks-server.js';

const dir = t.testdir();
const keys = await loadOrCreateTokenKeys(join(dir, 'broker'));
const idpKey = await makeKey('idp-1', 'ES256');
writeFileSync(join(dir, 'jwks.json'), JSON.stringify({ keys: [idpKey.publicJwk] }));
const ISS = 'https://login.example.test';
const { issuers, problems } = checkIssuers([{
  name: 'corp', issuer: ISS, jwksFile: 'jwks.json', audience: 'aws-guard',
  claims: { agent: 'email', human: 'email', groups: ['groups'] }, role: { approverGroups: ['aws-approvers'] },
}], dir);
t.same(problems, []);

const setup = (trusted = issuers) => {
  const events: AuditEvent[] = [];
  const log = createLogger('error', new Writable({ write: (_c, _e, done) => done() }));
  const auth = createUpgradeAuthenticator({ keys, issuers: trusted, audit: { append: async (e: AuditEvent) => void events.push(e) }, log });
  return { auth, events };
};
const origin = { remoteAddress: '192.0.2.9' };
const sec = Math.floor(Date.now() / 1000);
const claims = (extra: Record<string, unknown> = {}) => ({ iss: ISS, aud: 'aws-guard', sub: '00u1abc', email: 'alice@example.test', groups: ['aws-approvers', 'eng'], jti: 'tok-1', iat: sec, exp: sec + 600, ...extra });

t.test('an approver from the workforce IdP is accepted and audited with issuer, subject, key and jti', async (t) => {
  const { auth, events } = setup();
  const token = await signWith(idpKey, claims());
  const r = await auth.authenticate(`Bearer ${token}`, APPROVER_PATH, origin);
  t.ok(r.ok);
  t.match(events, [{
    type: 'token.accepted',
    actor: { kind: 'approver', agent: 'corp/alice@example.test', human: 'corp/alice@example.test', role: 'approver' },
    data: { channel: 'approver', tokenId: 'tok-1', issuer: ISS, issuerName: 'corp', humanNamespace: 'corp', subject: '00u1abc', keyId: 'idp-1', groups: ['corp/aws-approvers', 'corp/eng'] },
  }]);
  t.notOk(JSON.stringify(events).includes(token.split('.')[2]!), 'no signature');
  t.notOk(JSON.stringify(events).includes(token.split('.')[1]!), 'no payload segment');
});

t.test('an issuer sharing a human namespace: the audit shows the issuer beside the human it linked', async (t) => {
  const linked = checkIssuers([{
    name: 'corp', humanNamespace: 'people', issuer: ISS, jwksFile: 'jwks.json', audience: 'aws-guard',
    claims: { agent: 'email', human: 'email', groups: ['groups'] }, role: { approverGroups: ['aws-approvers'] },
  }], dir);
  t.same(linked.problems, []);
  const { auth, events } = setup(linked.issuers);
  t.ok((await auth.authenticate(`Bearer ${await signWith(idpKey, claims())}`, APPROVER_PATH, origin)).ok);
  t.match(events, [{
    type: 'token.accepted',
    actor: { agent: 'corp/alice@example.test', human: 'people/alice@example.test' },
    data: { issuer: ISS, issuerName: 'corp', humanNamespace: 'people', groups: ['corp/aws-approvers', 'corp/eng'] },
  }], 'agent and groups stay in the issuer\'s namespace; only the human is linked');
});

t.test('rejections of external tokens are audited with a stable code and reason', async (t) => {
  const table: [string, Record<string, unknown>, string, string, string][] = [
    ['a member of no approver group on the approver channel', claims({ groups: ['eng'] }), APPROVER_PATH, 'AUTH_WRONG_ROLE', 'wrong-role'],
    ['another audience', claims({ aud: 'grafana' }), AGENT_PATH, 'AUTH_TOKEN_CLAIMS', 'wrong-audience'],
    ['no email', claims({ email: undefined, groups: [] }), AGENT_PATH, 'AUTH_CLAIM_MISSING', 'missing-claim'],
    ['expired', claims({ exp: sec - 3600, groups: [] }), AGENT_PATH, 'AUTH_TOKEN_EXPIRED', 'expired'],
  ];
  for (const [what, c, path, code, reason] of table) {
    const { auth, events } = setup();
    const r = await auth.authenticate(`Bearer ${await signWith(idpKey, c)}`, path, origin);
    t.match(r, { ok: false, issue: { code } }, what);
    t.match(events, [{ type: 'token.rejected', code, data: { reason, unverified: { header: { kid: 'idp-1' }, claims: { iss: ISS, sub: '00u1abc' } } } }], what);
  }
});
