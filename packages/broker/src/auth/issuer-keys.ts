// The verification keys of one trusted issuer: jose's remote key set (fetched, cached for cacheMaxAge, refetched
// on an unknown `kid` at most once per cooldown: rotation) or a local JWKS file. A key set that cannot be
// fetched fails closed: the token is refused as JWKS_UNAVAILABLE, never accepted on stale or missing keys.
import { createLocalJWKSet, createRemoteJWKSet, errors, type JWTVerifyGetKey } from 'jose';
import type { IssuerKeySource } from './trusted-issuer.js';

/** Thrown inside jose's key lookup when the issuer's key set could not be had; verify maps it to a rejection. */
export class JwksUnavailableError extends Error {
  readonly code = 'AUTH_JWKS_UNAVAILABLE';
  constructor(readonly url: string, cause: unknown) {
    super(`the key set at ${url} could not be fetched (${describeCause(cause)})`, { cause });
    this.name = 'JwksUnavailableError';
  }
}

const describeCause = (cause: unknown): string => {
  if (cause instanceof errors.JWKSTimeout) return 'timed out';
  const inner = (cause as { cause?: { code?: string } }).cause?.code;
  return inner ?? (cause instanceof Error ? cause.message : String(cause));
};

/** Outcomes of a lookup that say something about the token, not about the key set's availability. */
const aboutTheToken = (e: unknown): boolean =>
  e instanceof errors.JWKSNoMatchingKey || e instanceof errors.JWKSMultipleMatchingKeys || e instanceof errors.JOSENotSupported || e instanceof errors.JOSEAlgNotAllowed;

export const createIssuerKeys = (source: IssuerKeySource): JWTVerifyGetKey => {
  if (source.kind === 'file') return createLocalJWKSet(source.jwks);
  const remote = createRemoteJWKSet(new URL(source.url), {
    cacheMaxAge: source.cacheMaxAgeMs,
    cooldownDuration: source.cooldownMs,
    timeoutDuration: source.timeoutMs,
  });
  return async (header, token) => {
    try {
      return await remote(header, token);
    } catch (e) {
      if (aboutTheToken(e)) throw e;
      throw new JwksUnavailableError(source.url, e);
    }
  };
};
