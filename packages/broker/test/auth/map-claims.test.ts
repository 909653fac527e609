// Claim mapping with humanNamespace: humans of issuers that share a namespace are one name (and so one person to
// separation of duties); agents and groups stay in each issuer's own namespace; a fixed human is taken as written.
import t from 'tap';
import type { JWTPayload } from 'jose';
import { mapClaims } from '@aws-guard/broker/auth/map-claims';
import type { Identity } from '@aws-guard/broker/auth/identity';
import { checkIssuers } from '@aws-guard/broker/config/issuers-rules';
import { checkApprover } from '@aws-guard/broker/approval/check-approver';
import { newRequest } from '@aws-guard/broker/approval/approval-transitions';
import { approvalInput, START } from '../approval/approval-fixtures.js';

const dir = t.testdir();
const idp = (name: string, extra: Record<string, unknown> = {}) => ({
  name, issuer: `https://${name}.example`, jwksUrl: `https://${name}.example/jwks`, audience: 'aws-guard',
  claims: { agent: 'sub', human: 'email', groups: ['groups'] }, role: { approverGroups: ['approvers'] }, ...extra,
});
const issuersFrom = (raw: unknown[]) => {
  const checked = checkIssuers(raw, dir);
  if (checked.problems.length > 0) throw new Error(checked.problems.join('\n'));
  return checked.issuers;
};
const exp = Math.floor(START.getTime() / 1000) + 600;
const payload = (extra: JWTPayload = {}): JWTPayload => ({ sub: 'u-1', email: 'alice@acme.com', groups: ['eng'], jti: 'j-1', exp, ...extra });
const map = (config: unknown[], name: string, claims: JWTPayload = payload()): Identity => {
  const issuer = issuersFrom(config).find((i) => i.name === name)!;
  const r = mapClaims(issuer, claims, 'token', 'kid-1');
  if (!r.ok) throw new Error(r.issue.message);
  return r.value;
};

t.test('which namespace each mapped name is in', async (t) => {
  const linked = [idp('okta', { humanNamespace: 'people' }), idp('entra', { humanNamespace: 'people' })];
  const table: [string, unknown[], string, Partial<Identity> & { humanNamespace: string | null }][] = [
    ['no humanNamespace: the issuer\'s name', [idp('okta')], 'okta', { agent: 'okta/u-1', human: 'okta/alice@acme.com', groups: ['okta/eng'], humanNamespace: 'okta' }],
    ['a shared namespace names the human only', linked, 'okta', { agent: 'okta/u-1', human: 'people/alice@acme.com', groups: ['okta/eng'], humanNamespace: 'people' }],
    ['the other issuer sharing it', linked, 'entra', { agent: 'entra/u-1', human: 'people/alice@acme.com', groups: ['entra/eng'], humanNamespace: 'people' }],
    ['joining an issuer by its name', [idp('okta'), idp('entra', { humanNamespace: 'okta' })], 'entra', { agent: 'entra/u-1', human: 'okta/alice@acme.com', groups: ['entra/eng'], humanNamespace: 'okta' }],
    ['a fixed human is taken as written', [idp('k8s', { claims: { agent: 'sub', human: { value: 'platform-team' } } })], 'k8s', { agent: 'k8s/u-1', human: 'platform-team', groups: [], humanNamespace: null }],
  ];
  for (const [what, config, name, want] of table) {
    const { humanNamespace, ...identity } = want;
    const got = map(config, name);
    t.match(got, identity, what);
    t.same(got.groups, identity.groups, `${what}: groups`);
    t.equal(got.source?.humanNamespace, humanNamespace, `${what}: the source records the namespace`);
    t.equal(got.source?.name, name, `${what}: the source is still the issuer`);
  }
});

t.test('one person with tokens from two issuers cannot approve their own request only when the issuers are linked', async (t) => {
  const table: [string, unknown[], string | null][] = [
    ['linked by humanNamespace', [idp('github-idp', { humanNamespace: 'people' }), idp('okta', { humanNamespace: 'people' })], 'APPROVAL_SELF_APPROVAL'],
    ['not linked', [idp('github-idp'), idp('okta')], null],
  ];
  for (const [what, config, code] of table) {
    const requester = map(config, 'github-idp', payload({ sub: 'repo:acme/app', groups: [] }));
    const self = map(config, 'okta', payload({ sub: '00u-alice', groups: ['approvers'] }));
    const request = newRequest(approvalInput({ requester: { agent: requester.agent, human: requester.human, sessionId: requester.sessionId } }), 'apr_1', START, { pendingMs: 60_000, validityMs: 60_000 });
    const r = checkApprover(request, { name: self.agent, human: self.human, groups: self.groups, role: self.role }, 'grant');
    t.equal(r.ok ? null : r.issue.code, code, what);
  }
});
