// Picks who must vouch for a bearer token by its unverified `iss` (exact match): the broker's own key, or one
// trusted external issuer. The unverified `iss` only chooses the keys and checks; it is verified with them.
import { decodeJwt, type JWTVerifyGetKey } from 'jose';
import type { Identity, Role } from './identity.js';
import { createIssuerKeys } from './issuer-keys.js';
import { TOKEN_ISSUER, type TokenKeys } from './token-keys.js';
import { DEFAULT_MAX_TOKEN_LIFETIME_MS } from './token-lifetime.js';
import type { TrustedIssuer } from './trusted-issuer.js';
import { verifyExternalToken } from './verify-external-token.js';
import { authFail, verifyToken, type AuthResult } from './verify-token.js';

export type BearerVerifier = (token: string, allowedRoles: readonly Role[], now: Date) => Promise<AuthResult<Identity>>;

const unverifiedIssuer = (token: string): unknown => {
  try {
    return decodeJwt(token).iss;
  } catch {
    return undefined;
  }
};

/** One key set per issuer for the broker's life: jose caches and rotates inside it. `maxLifetimeMs` bounds the
 * broker's own tokens (auth.maxTokenLifetime); each external issuer carries its own. */
export const createBearerVerifier = (keys: TokenKeys, issuers: readonly TrustedIssuer[], maxLifetimeMs = DEFAULT_MAX_TOKEN_LIFETIME_MS): BearerVerifier => {
  const byIss = new Map<string, { issuer: TrustedIssuer; keys: JWTVerifyGetKey }>(issuers.map((issuer) => [issuer.issuer, { issuer, keys: createIssuerKeys(issuer.keys) }]));
  return async (token, allowedRoles, now) => {
    const iss = unverifiedIssuer(token);
    const external = typeof iss === 'string' ? byIss.get(iss) : undefined;
    if (external !== undefined) return verifyExternalToken({ ...external, token, allowedRoles, now });
    // A token naming an issuer nobody here trusts is told so plainly; anything else is the broker's own to judge.
    if (typeof iss === 'string' && iss !== TOKEN_ISSUER && byIss.size > 0)
      return authFail('AUTH_TOKEN_CLAIMS', 'wrong-issuer', `the token's issuer ${JSON.stringify(iss.slice(0, 200))} is not one this broker trusts`);
    return verifyToken(keys, token, allowedRoles, () => now, maxLifetimeMs);
  };
};
