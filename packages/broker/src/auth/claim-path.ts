// Reads a claim out of a verified JWT payload by a path the operator wrote in the config. Keys may themselves
// contain dots (Kubernetes writes `{"kubernetes.io": {"serviceaccount": {"name": …}}}`), so a dotted string is
// tried at every split; exactly one split may lead to a value, more than one is refused as ambiguous.
import { fail, ok, type Result } from '@aws-guard/shared/result';

/** A claim path: a dotted string (`sub`, `kubernetes.io.serviceaccount.name`) or the exact keys as a list. */
export type ClaimPath = string | readonly string[];

export type ClaimCode = 'CLAIM_MISSING' | 'CLAIM_AMBIGUOUS';

/** More segments than this is not a claim path anyone writes; it also bounds the 2^(n-1) splits tried. */
export const MAX_PATH_SEGMENTS = 12;

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

const own = (o: Record<string, unknown>, key: string): unknown => (Object.hasOwn(o, key) ? o[key] : undefined);

/** Every value reachable by joining consecutive segments into keys (`a.b` as one key, or `a` then `b`). */
const resolveSplits = (node: unknown, segments: readonly string[], found: unknown[]): void => {
  if (segments.length === 0) {
    if (node !== undefined && node !== null) found.push(node);
    return;
  }
  if (!isObject(node)) return;
  for (let take = 1; take <= segments.length; take += 1)
    resolveSplits(own(node, segments.slice(0, take).join('.')), segments.slice(take), found);
};

export const describeClaimPath = (path: ClaimPath): string => (typeof path === 'string' ? path : JSON.stringify(path));

/** The claim's value, or why there is none; a list path is followed key by key, exactly. */
export const readClaim = (payload: Readonly<Record<string, unknown>>, path: ClaimPath): Result<unknown, ClaimCode> => {
  if (typeof path !== 'string') {
    let node: unknown = payload;
    for (const key of path) node = isObject(node) ? own(node, key) : undefined;
    return node === undefined || node === null ? fail('CLAIM_MISSING', `the token has no claim ${describeClaimPath(path)}`) : ok(node);
  }
  const segments = path.split('.');
  // The config refuses longer paths (issuers-schema.ts); this bound keeps the splits tried few whatever the caller.
  if (segments.length > MAX_PATH_SEGMENTS) return fail('CLAIM_MISSING', `the claim path ${path} has more than ${MAX_PATH_SEGMENTS} segments`);
  const found: unknown[] = [];
  resolveSplits(payload, segments, found);
  if (found.length === 0) return fail('CLAIM_MISSING', `the token has no claim ${path}`);
  if (found.length > 1) return fail('CLAIM_AMBIGUOUS', `the claim path ${path} names more than one claim: write it as a list of keys in the config`);
  return ok(found[0]);
};
