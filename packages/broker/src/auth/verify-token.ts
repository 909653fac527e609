// Verifies a bearer token at the HTTP upgrade and maps it to an Identity; every failure is a value with
// a stable code the shim can show in one line, and a finer stable reason for the audit (`token.rejected`).
import { decodeProtectedHeader, errors, jwtVerify } from 'jose';
import type { Issue, Ok } from '@aws-guard/shared/result';
import { ROLES, type Identity, type Role } from './identity.js';
import { checkTokenGroups } from './token-groups.js';
import { DEFAULT_MAX_TOKEN_LIFETIME_MS, lifetimeProblem } from './token-lifetime.js';
import { TOKEN_ALG, TOKEN_AUDIENCE, TOKEN_ISSUER, type TokenKeys } from './token-keys.js';

export type AuthCode =
  | 'AUTH_TOKEN_MISSING'
  | 'AUTH_TOKEN_MALFORMED'
  | 'AUTH_TOKEN_EXPIRED'
  | 'AUTH_TOKEN_LIFETIME'
  | 'AUTH_TOKEN_INVALID'
  | 'AUTH_TOKEN_CLAIMS'
  | 'AUTH_WRONG_ROLE'
  | 'AUTH_CLAIM_MISSING'
  | 'AUTH_JWKS_UNAVAILABLE';

/** Why a token was refused, finer than the code the client gets (docs/audit-format.md, `token.rejected`). */
export const REJECTION_REASONS = [
  'missing', 'malformed', 'expired', 'not-yet-valid', 'bad-signature', 'unknown-key', 'algorithm',
  'wrong-issuer', 'wrong-audience', 'claims', 'wrong-role', 'missing-claim', 'jwks-unavailable', 'lifetime-too-long',
] as const;
export type RejectionReason = (typeof REJECTION_REASONS)[number];

export type AuthIssue = Issue<AuthCode> & Readonly<{ reason: RejectionReason }>;
export type AuthResult<T> = Ok<T> | Readonly<{ ok: false; issue: AuthIssue }>;

export const authOk = <T>(value: T): Ok<T> => ({ ok: true, value });
export const authFail = (code: AuthCode, reason: RejectionReason, message: string): { ok: false; issue: AuthIssue } => ({ ok: false, issue: { code, reason, message } });

// The scheme is case-insensitive (RFC 7235); the token is a JWT's base64url segments.
const BEARER = /^Bearer ([A-Za-z0-9_.-]+)$/i;

export const bearerToken = (header: string | undefined): AuthResult<string> => {
  if (header === undefined || header === '') return authFail('AUTH_TOKEN_MISSING', 'missing', 'no bearer token: set AWS_GUARD_TOKEN or AWS_GUARD_TOKEN_FILE');
  const match = BEARER.exec(header.trim());
  return match?.[1] ? authOk(match[1]) : authFail('AUTH_TOKEN_MALFORMED', 'malformed', 'the Authorization header is not "Bearer <token>"');
};

const CLAIM_REASONS: Readonly<Record<string, RejectionReason>> = { iss: 'wrong-issuer', aud: 'wrong-audience', nbf: 'not-yet-valid', iat: 'not-yet-valid' };

/** The token's `kid`, unverified: a signature that fails under another key id names a key this broker lacks. */
const keyIdOf = (token: string): unknown => {
  try {
    return decodeProtectedHeader(token).kid;
  } catch {
    return undefined;
  }
};

const explain = (e: unknown, token: string, keyId: string): { ok: false; issue: AuthIssue } => {
  if (e instanceof errors.JWTExpired) return authFail('AUTH_TOKEN_EXPIRED', 'expired', 'the token has expired: issue a new one with `aws-guard token issue`');
  if (e instanceof errors.JWTClaimValidationFailed)
    return authFail('AUTH_TOKEN_CLAIMS', (e.reason === 'missing' ? undefined : CLAIM_REASONS[e.claim]) ?? 'claims', `the token was not issued for this broker (${e.claim} ${e.reason})`);
  if (e instanceof errors.JWSSignatureVerificationFailed) {
    const kid = keyIdOf(token);
    return kid !== undefined && kid !== keyId
      ? authFail('AUTH_TOKEN_INVALID', 'unknown-key', 'the token was signed with a key this broker does not have')
      : authFail('AUTH_TOKEN_INVALID', 'bad-signature', 'the token signature does not verify with this broker\'s key');
  }
  if (e instanceof errors.JOSEAlgNotAllowed) return authFail('AUTH_TOKEN_INVALID', 'algorithm', 'the token uses an algorithm this broker does not accept');
  if (e instanceof errors.JOSEError) return authFail('AUTH_TOKEN_MALFORMED', 'malformed', `the token is not a valid JWT (${e.code})`);
  throw e;
};

export const verifyToken = async (
  keys: TokenKeys,
  token: string,
  allowedRoles: readonly Role[],
  now: () => Date = () => new Date(),
  /** The longest a token may live (config auth.maxTokenLifetime); a caller that gives none still gets a limit. */
  maxLifetimeMs: number = DEFAULT_MAX_TOKEN_LIFETIME_MS,
): Promise<AuthResult<Identity>> => {
  let payload;
  const at = now();
  try {
    ({ payload } = await jwtVerify(token, keys.publicKey, {
      issuer: TOKEN_ISSUER,
      audience: TOKEN_AUDIENCE,
      algorithms: [TOKEN_ALG],
      requiredClaims: ['sub', 'exp', 'jti'],
      currentDate: at,
    }));
  } catch (e) {
    return explain(e, token, keys.keyId);
  }
  // After the signature (an unsigned claim proves nothing) and before anything is read from the token.
  const tooLong = lifetimeProblem(payload, maxLifetimeMs, at, 'the token');
  if (tooLong !== undefined) return authFail('AUTH_TOKEN_LIFETIME', 'lifetime-too-long', `${tooLong}: issue one with a shorter --ttl`);
  const { sub, jti, exp, role, human, sid, groups } = payload;
  const named = (v: unknown): v is string => typeof v === 'string' && v !== '';
  if (!named(sub) || !named(jti) || !named(human) || !named(sid) || !named(role) || !(ROLES as readonly string[]).includes(role))
    return authFail('AUTH_TOKEN_CLAIMS', 'claims', 'the token lacks the agent, role, human, session or id claims of an aws-guard token');
  // A signed but malformed group list is refused, never read as "no groups": groups can grant (allow rules, roles).
  const tokenGroups = checkTokenGroups(groups);
  if (!tokenGroups.ok) return authFail('AUTH_TOKEN_CLAIMS', 'claims', `the token's groups claim is invalid: ${tokenGroups.issue.message}`);
  if (!allowedRoles.includes(role as Role))
    return authFail('AUTH_WRONG_ROLE', 'wrong-role', `a token with role "${role}" cannot be used here (needs ${allowedRoles.join(' or ')})`);
  return authOk(
    Object.freeze({ agent: sub, human, role: role as Role, groups: tokenGroups.value, sessionId: sid, tokenId: jti, expiresAt: new Date(exp! * 1000) }),
  );
};
