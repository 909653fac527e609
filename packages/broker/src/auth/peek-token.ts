// What a refused token says about itself, unverified, for the audit (`token.rejected`): a few header fields and
// claims, bounded and made safe to hash. Never the token, its segments or its signature.
import { decodeJwt, decodeProtectedHeader } from 'jose';
import type { JsonObject, JsonValue } from '@aws-guard/shared/audit/audit-record';

const HEADER_FIELDS = ['alg', 'kid', 'typ'] as const;
const CLAIM_FIELDS = ['iss', 'aud', 'sub', 'human', 'role', 'sid', 'jti', 'iat', 'nbf', 'exp'] as const;
/** Whoever sent the token chose these values: each is cut short, and a list keeps its first few members. */
export const MAX_PEEK_CHARS = 128;
const MAX_LIST = 4;

// The audit writer refuses unpaired UTF-16 surrogates (audit-format.md); a forged claim may hold one, and cutting
// a string may split a pair. With the `u` flag this matches only unpaired ones.
const LONE_SURROGATE = /\p{Cs}/gu;

const safeString = (s: string): string => {
  const cut = s.length > MAX_PEEK_CHARS ? `${s.slice(0, MAX_PEEK_CHARS)}…` : s;
  return cut.replace(LONE_SURROGATE, '\uFFFD');
};

const safeValue = (v: unknown): JsonValue | undefined => {
  if (typeof v === 'string') return safeString(v);
  // JSON.parse turns 1e400 into Infinity, which the audit writer refuses.
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'boolean') return v;
  if (Array.isArray(v)) {
    const items = v.slice(0, MAX_LIST).map(safeValue).filter((x): x is JsonValue => x !== undefined && typeof x !== 'object');
    return items;
  }
  return undefined;
};

const pick = (source: Record<string, unknown>, fields: readonly string[]): JsonObject => {
  const out: JsonObject = {};
  for (const field of fields) {
    const value = safeValue(source[field]);
    if (value !== undefined) out[field] = value;
  }
  return out;
};

/** The unverified header fields and claims worth keeping, or null when the token does not even decode. */
export const peekToken = (token: string): JsonObject | null => {
  let header: Record<string, unknown>;
  try {
    header = decodeProtectedHeader(token) as Record<string, unknown>;
  } catch {
    return null;
  }
  let claims: Record<string, unknown> = {};
  try {
    claims = decodeJwt(token) as Record<string, unknown>;
  } catch {
    // A readable header with an unreadable payload: the header is still worth keeping.
  }
  return { header: pick(header, HEADER_FIELDS), claims: pick(claims, CLAIM_FIELDS) };
};
