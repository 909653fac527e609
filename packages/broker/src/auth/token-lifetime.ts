// How long a token may live: the limits (broker-issued and per external issuer) and the check the verifiers
// apply after the signature. A token that never expires is a standing credential, the thing aws-guard removes.
import { formatDuration } from '@aws-guard/shared/duration';
import type { JWTPayload } from 'jose';

/** Broker-issued tokens: long enough for a weekly or monthly rotation, short enough that a leaked one dies. */
export const DEFAULT_MAX_TOKEN_LIFETIME = '30d';
export const DEFAULT_MAX_TOKEN_LIFETIME_MS = 30 * 86_400_000;
/** External issuers: their tokens live minutes (GitHub Actions) to about an hour (IdPs, Kubernetes' default). */
export const DEFAULT_ISSUER_MAX_TOKEN_LIFETIME = '24h';
/** The range either limit may be set to. */
export const MIN_TOKEN_LIFETIME_MS = 60_000;
export const MAX_TOKEN_LIFETIME_MS = 365 * 86_400_000;
export const TOKEN_LIFETIME_RANGE = '1m to 365d';

/**
 * A token's lifetime in milliseconds: exp − iat. Without iat, when it was minted is unknown, so what is left of
 * it (exp − now) is what it can still be used for, and that is what must fit the limit.
 */
export const tokenLifetimeMs = (payload: Pick<JWTPayload, 'exp' | 'iat'>, now: Date): number => {
  const from = typeof payload.iat === 'number' ? payload.iat * 1000 : now.getTime();
  return (payload.exp ?? 0) * 1000 - from;
};

/**
 * Why a token lives longer than maxMs (the verifiers refuse it as AUTH_TOKEN_LIFETIME), or undefined.
 * `skewSeconds` applies only without iat (exp − now then depends on two clocks); with iat, both times come from
 * the issuer's one clock and the lifetime is exact.
 */
export const lifetimeProblem = (
  payload: Pick<JWTPayload, 'exp' | 'iat'>,
  maxMs: number,
  now: Date,
  who: string,
  skewSeconds = 0,
): string | undefined => {
  const lifetimeMs = tokenLifetimeMs(payload, now);
  const allowedMs = maxMs + (typeof payload.iat === 'number' ? 0 : skewSeconds * 1000);
  if (lifetimeMs <= allowedMs) return undefined;
  const what = typeof payload.iat === 'number' ? 'lives' : 'has no iat and is valid for another';
  return `${who} ${what} ${describeLifetime(lifetimeMs)}, longer than the ${formatDuration(maxMs)} this broker accepts`;
};

/** A lifetime as an operator reads it, exact to the second: `1h1s`, `30d`, `10m` (its non-zero units). */
export const describeLifetime = (ms: number): string => {
  let s = Math.floor(Math.max(0, ms) / 1000);
  const parts: string[] = [];
  for (const [unit, size] of [['d', 86_400], ['h', 3600], ['m', 60], ['s', 1]] as const) {
    if (s >= size) parts.push(`${Math.floor(s / size)}${unit}`);
    s %= size;
  }
  return parts.length === 0 ? '0s' : parts.join('');
};
