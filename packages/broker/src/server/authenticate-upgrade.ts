// Authenticates a WebSocket upgrade and audits the outcome: `token.accepted` is durable before the connection
// opens (no audit, no connection); `token.rejected` is rate-limited (rejection-limiter.ts) and never holds up or
// overturns the refusal. Neither record ever holds the token or its signature.
import type { Result } from '@aws-guard/shared/result';
import { fail, ok } from '@aws-guard/shared/result';
import type { JsonObject } from '@aws-guard/shared/audit/audit-record';
import { APPROVER_PATH } from '@aws-guard/shared/protocol/endpoints';
import type { Logger } from '../log/create-logger.js';
import type { AuditSink } from '../flows/audit-sink.js';
import { auditedIssuerOf, type Identity } from '../auth/identity.js';
import type { TokenKeys } from '../auth/token-keys.js';
import { bearerToken, type AuthIssue } from '../auth/verify-token.js';
import { createBearerVerifier, type BearerVerifier } from '../auth/verify-bearer.js';
import type { TrustedIssuer } from '../auth/trusted-issuer.js';
import { peekToken } from '../auth/peek-token.js';
import { createRejectionLimiter, DEFAULT_REJECTION_LIMITS, type RejectionLimits } from './rejection-limiter.js';

/** Where the upgrade came from: the socket's peer, as Node reports it. */
export type UpgradeOrigin = Readonly<{ remoteAddress: string | undefined }>;

export type UpgradeAuthDeps = Readonly<{
  keys: TokenKeys;
  /** External issuers trusted beside the broker's own key (config `issuers`). */
  issuers?: readonly TrustedIssuer[];
  /** The verifier to share with token refreshes (app.ts); built from keys and issuers when absent. */
  verify?: BearerVerifier;
  audit: AuditSink;
  log: Logger;
  limits?: RejectionLimits;
  clock?: () => Date;
  /** Told of every refusal, the ones the audit's rate limit suppresses too (the broker's metrics). */
  onRejected?: (channel: 'agent' | 'approver', reason: AuthIssue['reason']) => void;
}>;

export type UpgradeAuthenticator = Readonly<{
  authenticate: (authorization: string | undefined, path: string, origin: UpgradeOrigin) => Promise<Result<Identity>>;
  /** Writes the summary of suppressed rejections now, if any (at stop, before `broker.stopped`). */
  flush: () => Promise<void>;
}>;

export const SUPPRESSED_CODE = 'AUTH_REJECTIONS_SUPPRESSED';
const broker = { kind: 'broker' as const };

export const createUpgradeAuthenticator = (deps: UpgradeAuthDeps): UpgradeAuthenticator => {
  const clock = deps.clock ?? (() => new Date());
  const limits = deps.limits ?? DEFAULT_REJECTION_LIMITS;
  const limiter = createRejectionLimiter(limits, clock);
  const verify = deps.verify ?? createBearerVerifier(deps.keys, deps.issuers ?? []);
  let timer: NodeJS.Timeout | undefined;

  // An audit that cannot take a rejection does not change it: the client is refused either way, and the
  // operator hears of the failed record in the log.
  const append = (data: JsonObject, code: string): Promise<void> =>
    deps.audit.append({ type: 'token.rejected', code, actor: broker, data }).then(
      () => undefined,
      (e: unknown) => deps.log.error({ err: (e as Error).message, code }, 'could not audit a refused connection'),
    );

  const flush = async (): Promise<void> => {
    clearTimeout(timer);
    timer = undefined;
    const summary = limiter.takeSummary();
    if (summary !== null) await append({ ...summary, reasons: { ...summary.reasons }, remotes: { ...summary.remotes } }, SUPPRESSED_CODE);
  };

  const rejected = async (issue: AuthIssue, channel: 'agent' | 'approver', origin: UpgradeOrigin, token: string | undefined): Promise<void> => {
    deps.onRejected?.(channel, issue.reason);
    const remote = origin.remoteAddress ?? 'unknown';
    if (!limiter.admit(issue.reason, remote)) {
      timer ??= setTimeout(() => void flush(), limits.summaryEveryMs).unref();
      return;
    }
    await append({ reason: issue.reason, channel, remoteAddress: remote, message: issue.message, unverified: token === undefined ? null : peekToken(token) }, issue.code);
  };

  const accepted = async (identity: Identity, channel: string, origin: UpgradeOrigin): Promise<Result<Identity>> => {
    try {
      await deps.audit.append({
        type: 'token.accepted',
        sessionId: identity.sessionId,
        actor: { kind: identity.role, agent: identity.agent, human: identity.human, role: identity.role },
        data: {
          channel,
          tokenId: identity.tokenId,
          // Issuer, subject and key as the token said them, beside the mapped identity in actor; never the token.
          ...auditedIssuerOf(identity),
          // Which namespace named actor.human: differs from issuerName when issuers share humans (identity.md).
          humanNamespace: identity.source?.humanNamespace ?? null,
          subject: identity.source?.subject ?? identity.agent,
          keyId: identity.source === undefined ? deps.keys.keyId : identity.source.keyId ?? null,
          groups: [...identity.groups],
          expiresAt: identity.expiresAt.toISOString(),
          remoteAddress: origin.remoteAddress ?? 'unknown',
        },
      });
    } catch (e) {
      deps.log.error({ err: (e as Error).message, sessionId: identity.sessionId }, 'could not audit an accepted connection: refused');
      return fail('AUDIT_UNAVAILABLE', 'the broker cannot write its audit log, so it accepts no connection: tell the operator');
    }
    return ok(identity);
  };

  return Object.freeze({
    authenticate: async (authorization, path, origin) => {
      const channel = path === APPROVER_PATH ? 'approver' : 'agent';
      const token = bearerToken(authorization);
      const verified = token.ok ? await verify(token.value, channel === 'approver' ? ['approver', 'admin'] : ['agent'], clock()) : token;
      if (verified.ok) return accepted(verified.value, channel, origin);
      await rejected(verified.issue, channel, origin, token.ok ? token.value : undefined);
      return fail(verified.issue.code, verified.issue.message);
    },
    flush,
  });
};
