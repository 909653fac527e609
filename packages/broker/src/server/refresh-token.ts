// Checks a token the shim sent with auth.refresh for a connection that is already open: it must verify exactly
// as at the upgrade (same issuers, keys, audience, clock skew) and map to the same identity (issuer, agent,
// human, role, groups). Only its expiry is taken; the outcome is audited as `token.refreshed`.
import { fail, ok, type Result } from '@aws-guard/shared/result';
import type { JsonObject } from '@aws-guard/shared/audit/audit-record';
import { auditedIssuerOf, issuerNameOf, type Identity } from '../auth/identity.js';
import type { BearerVerifier } from '../auth/verify-bearer.js';
import type { AuditSink } from '../flows/audit-sink.js';
import type { Logger } from '../log/create-logger.js';

export type RefreshDeps = Readonly<{ verify: BearerVerifier; audit: AuditSink; log: Logger; clock?: () => Date }>;

const sameHolder = (a: Identity, b: Identity): boolean =>
  issuerNameOf(a) === issuerNameOf(b) &&
  a.agent === b.agent &&
  a.human === b.human &&
  a.role === b.role &&
  a.groups.length === b.groups.length &&
  a.groups.every((g) => b.groups.includes(g));

export const createTokenRefresher = (deps: RefreshDeps) => async (current: Identity, token: string): Promise<Result<Identity>> => {
  const clock = deps.clock ?? (() => new Date());
  const verified = await deps.verify(token, [current.role], clock());
  const outcome: Result<Identity> = !verified.ok
    ? fail(verified.issue.code, verified.issue.message)
    : !sameHolder(current, verified.value)
      ? fail('AUTH_REFRESH_MISMATCH', `the refreshed token is for ${verified.value.agent} acting for ${verified.value.human}, not for this connection's ${current.agent}: the connection is closed`)
      : ok(verified.value);
  const actor = { kind: current.role, agent: current.agent, human: current.human, role: current.role };
  // The connection's issuer: a token that is taken has the same one (sameHolder); one that is not says why in message.
  const data: JsonObject = outcome.ok
    ? { tokenId: outcome.value.tokenId, previousTokenId: current.tokenId, expiresAt: outcome.value.expiresAt.toISOString(), ...auditedIssuerOf(current) }
    : { previousTokenId: current.tokenId, ...auditedIssuerOf(current), reason: verified.ok ? 'mismatch' : verified.issue.reason, message: outcome.issue.message };
  try {
    await deps.audit.append({ type: 'token.refreshed', sessionId: current.sessionId, actor, ...(outcome.ok ? {} : { code: outcome.issue.code }), data });
  } catch (e) {
    // Without a durable record the fresh expiry is not taken: the connection keeps the one it was audited with.
    deps.log.error({ err: (e as Error).message, sessionId: current.sessionId }, 'could not audit a token refresh: ignored');
    return fail('AUDIT_UNAVAILABLE', 'the broker cannot write its audit log');
  }
  return outcome;
};
