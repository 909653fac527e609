// Turns the verified claims of an external token into an aws-guard Identity, as the issuer's claim mapping says.
// Every name taken from a claim is namespaced by the issuer (`<name>/<value>`): two issuers that both say
// `sub: deploy` give two different agents, and a claim can never pass for a broker-issued name (those hold no `/`).
// Humans are namespaced by the issuer's humanNamespace instead, which issuers naming people alike may share.
import { createHash } from 'node:crypto';
import type { JWTPayload } from 'jose';
import { describeClaimPath, readClaim, type ClaimPath } from './claim-path.js';
import type { Identity } from './identity.js';
import { GROUP_NAME, MAX_TOKEN_GROUPS } from './token-groups.js';
import type { TrustedIssuer } from './trusted-issuer.js';
import { authFail, authOk, type AuthResult } from './verify-token.js';

const MAX_NAME = 256;
// Control characters would let a claim forge lines in logs and terminals.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

const digest = (...parts: string[]): string => createHash('sha256').update(parts.join('\u0000')).digest('hex');

/** A claim that names something: a non-empty string (or a number, as some issuers write ids). */
const nameClaim = (payload: JWTPayload, path: ClaimPath, what: string): AuthResult<string> => {
  const read = readClaim(payload, path);
  if (!read.ok)
    return read.issue.code === 'CLAIM_MISSING'
      ? authFail('AUTH_CLAIM_MISSING', 'missing-claim', `the token has no ${describeClaimPath(path)} claim, which this broker maps to the ${what}`)
      : authFail('AUTH_TOKEN_CLAIMS', 'claims', read.issue.message);
  const value = typeof read.value === 'number' && Number.isSafeInteger(read.value) ? String(read.value) : read.value;
  if (typeof value !== 'string' || value === '' || value.length > MAX_NAME || CONTROL.test(value))
    return authFail('AUTH_TOKEN_CLAIMS', 'claims', `the ${describeClaimPath(path)} claim (the ${what}) is not a name of 1-${MAX_NAME} printable characters`);
  return authOk(value);
};

/** The raw values of every group claim: a missing claim adds none, a malformed one refuses the token. */
const groupValues = (payload: JWTPayload, paths: readonly ClaimPath[]): AuthResult<string[]> => {
  const values: string[] = [];
  for (const path of paths) {
    const read = readClaim(payload, path);
    if (!read.ok) {
      if (read.issue.code === 'CLAIM_MISSING') continue;
      return authFail('AUTH_TOKEN_CLAIMS', 'claims', read.issue.message);
    }
    const list = Array.isArray(read.value) ? read.value : [read.value];
    for (const v of list) {
      if (typeof v !== 'string' || v === '') return authFail('AUTH_TOKEN_CLAIMS', 'claims', `the ${describeClaimPath(path)} claim holds a group that is not a string`);
      values.push(v);
    }
  }
  return authOk(values);
};

export const mapClaims = (issuer: TrustedIssuer, payload: JWTPayload, token: string, keyId: string | undefined): AuthResult<Identity> => {
  const ns = (value: string) => `${issuer.name}/${value}`;
  const agent = nameClaim(payload, issuer.claims.agent, 'agent');
  if (!agent.ok) return agent;
  const humanMap = issuer.claims.human;
  const human = 'value' in humanMap ? authOk(humanMap.value) : nameClaim(payload, humanMap.claim, 'human');
  if (!human.ok) return human;
  const raw = groupValues(payload, issuer.claims.groups);
  if (!raw.ok) return raw;
  const groups = [...new Set(raw.value.map(ns))];
  if (groups.length > MAX_TOKEN_GROUPS) return authFail('AUTH_TOKEN_CLAIMS', 'claims', `the token maps to ${groups.length} groups, more than ${MAX_TOKEN_GROUPS}`);
  const badGroup = groups.find((g) => !GROUP_NAME.test(g));
  if (badGroup !== undefined) return authFail('AUTH_TOKEN_CLAIMS', 'claims', `the group ${JSON.stringify(badGroup.slice(0, 140))} is not 1-128 letters, digits or ._:@/-`);
  // Roles come from the values as the issuer writes them: the operator lists them per issuer.
  const has = (list: readonly string[]) => raw.value.some((v) => list.includes(v));
  const role = has(issuer.role.adminGroups) ? 'admin' : has(issuer.role.approverGroups) ? 'approver' : issuer.role.default;
  const jti = typeof payload.jti === 'string' && payload.jti !== '' && payload.jti.length <= MAX_NAME && !CONTROL.test(payload.jti) ? payload.jti : undefined;
  // Without a jti the token is named by its digest: the audit can tie records to it without holding it.
  const tokenId = jti ?? `sha256:${digest(token).slice(0, 32)}`;
  const sessionPath = issuer.claims.session;
  const sessionClaim = sessionPath === undefined ? undefined : nameClaim(payload, sessionPath, 'session');
  if (sessionClaim !== undefined && !sessionClaim.ok) return sessionClaim;
  // Session ids name recording files: a digest keeps them short and safe whatever the claim holds.
  const sessionId = `ses_${digest(issuer.name, sessionClaim?.value ?? tokenId).slice(0, 20)}`;
  const subject = typeof payload.sub === 'string' ? payload.sub : '';
  return authOk(
    Object.freeze({
      agent: ns(agent.value),
      human: 'value' in humanMap ? human.value : `${issuer.humanNamespace}/${human.value}`,
      role,
      groups: Object.freeze(groups),
      sessionId,
      tokenId,
      expiresAt: new Date((payload.exp ?? 0) * 1000),
      source: Object.freeze({ name: issuer.name, humanNamespace: 'value' in humanMap ? null : issuer.humanNamespace, url: issuer.issuer, subject: subject.slice(0, MAX_NAME), keyId }),
    }),
  );
};
