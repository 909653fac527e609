// Verifies a token from a trusted external issuer (signature by its JWKS, iss, aud, algorithm, times with its
// clock skew, exp required) and maps its claims to an Identity. Every refusal is a value with a stable code and
// reason (docs/identity.md "Rejections"); nothing here trusts a claim before the signature verified.
import { decodeProtectedHeader, errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import type { Identity, Role } from './identity.js';
import { JwksUnavailableError } from './issuer-keys.js';
import { mapClaims } from './map-claims.js';
import { lifetimeProblem } from './token-lifetime.js';
import type { TrustedIssuer } from './trusted-issuer.js';
import { authFail, type AuthIssue, type AuthResult } from './verify-token.js';

type Refusal = { ok: false; issue: AuthIssue };

const explain = (e: unknown, issuer: TrustedIssuer): Refusal => {
  const from = `issuer ${issuer.name}`;
  if (e instanceof JwksUnavailableError) return authFail('AUTH_JWKS_UNAVAILABLE', 'jwks-unavailable', `the broker cannot get the keys of ${from}: ${e.message}; the token is refused until it can`);
  if (e instanceof errors.JWTExpired) return authFail('AUTH_TOKEN_EXPIRED', 'expired', `the token from ${from} has expired: get a fresh one`);
  if (e instanceof errors.JWTClaimValidationFailed) {
    if (e.claim === 'aud') return authFail('AUTH_TOKEN_CLAIMS', 'wrong-audience', `the token from ${from} is not for this broker: its audience must be ${issuer.audience.join(' or ')}`);
    if (e.claim === 'nbf' || e.claim === 'iat') return authFail('AUTH_TOKEN_CLAIMS', 'not-yet-valid', `the token from ${from} is not valid yet (${e.claim}): check the clocks`);
    if (e.claim === 'iss') return authFail('AUTH_TOKEN_CLAIMS', 'wrong-issuer', `the token's issuer is not ${issuer.issuer}`);
    if (e.reason === 'missing') return authFail('AUTH_CLAIM_MISSING', 'missing-claim', `the token from ${from} has no ${e.claim} claim`);
    return authFail('AUTH_TOKEN_CLAIMS', 'claims', `the token from ${from} has an invalid ${e.claim} claim (${e.reason})`);
  }
  if (e instanceof errors.JWKSNoMatchingKey || e instanceof errors.JWKSMultipleMatchingKeys)
    return authFail('AUTH_TOKEN_INVALID', 'unknown-key', `the token names a signing key (kid) that ${from} does not publish`);
  if (e instanceof errors.JWSSignatureVerificationFailed) return authFail('AUTH_TOKEN_INVALID', 'bad-signature', `the token's signature does not verify with the keys of ${from}`);
  if (e instanceof errors.JOSEAlgNotAllowed || e instanceof errors.JOSENotSupported)
    return authFail('AUTH_TOKEN_INVALID', 'algorithm', `the token's algorithm is not accepted for ${from} (allowed: ${issuer.algorithms.join(', ')})`);
  if (e instanceof errors.JOSEError) return authFail('AUTH_TOKEN_MALFORMED', 'malformed', `the token is not a valid JWT (${e.code})`);
  throw e;
};

const keyIdOf = (token: string): string | undefined => {
  try {
    const kid = decodeProtectedHeader(token).kid;
    return typeof kid === 'string' ? kid.slice(0, 128) : undefined;
  } catch {
    return undefined;
  }
};

export type ExternalVerifyInput = Readonly<{ issuer: TrustedIssuer; keys: JWTVerifyGetKey; token: string; allowedRoles: readonly Role[]; now: Date }>;

export const verifyExternalToken = async ({ issuer, keys, token, allowedRoles, now }: ExternalVerifyInput): Promise<AuthResult<Identity>> => {
  let payload;
  try {
    ({ payload } = await jwtVerify(token, keys, {
      issuer: issuer.issuer,
      audience: [...issuer.audience],
      algorithms: [...issuer.algorithms],
      clockTolerance: issuer.clockSkewSeconds,
      requiredClaims: ['exp'],
      currentDate: now,
    }));
  } catch (e) {
    return explain(e, issuer);
  }
  // jose checks iat only with maxTokenAge; a token minted in the future is as suspect as one not valid yet.
  if (typeof payload.iat === 'number' && payload.iat > Math.floor(now.getTime() / 1000) + issuer.clockSkewSeconds)
    return authFail('AUTH_TOKEN_CLAIMS', 'not-yet-valid', `the token from issuer ${issuer.name} was issued in the future (iat): check the clocks`);
  const tooLong = lifetimeProblem(payload, issuer.maxTokenLifetimeMs, now, `the token from issuer ${issuer.name}`, issuer.clockSkewSeconds);
  if (tooLong !== undefined) return authFail('AUTH_TOKEN_LIFETIME', 'lifetime-too-long', `${tooLong} (its maxTokenLifetime in the broker config): have the issuer mint shorter-lived tokens`);
  const mapped = mapClaims(issuer, payload, token, keyIdOf(token));
  if (!mapped.ok) return mapped;
  if (!allowedRoles.includes(mapped.value.role))
    return authFail('AUTH_WRONG_ROLE', 'wrong-role', `a token that maps to role "${mapped.value.role}" cannot be used here (needs ${allowedRoles.join(' or ')})`);
  return mapped;
};
