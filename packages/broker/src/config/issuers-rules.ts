// Rules across the keys of `issuers` that the schema cannot express, and the resolved, frozen trusted issuers:
// one key source each, no `none`/HMAC algorithms (the classic confusions), https for remote keys except on
// loopback, unique names and `iss` values, a local JWKS that parses and holds only public keys. Shared human
// namespaces are checked in check-human-namespaces.ts.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { JSONWebKeySet } from 'jose';
import { parseDuration } from '@aws-guard/shared/duration';
import { ASYMMETRIC_ALGORITHMS, BROKER_ISSUER_NAME, type TrustedIssuer } from '../auth/trusted-issuer.js';
import { TOKEN_ISSUER } from '../auth/token-keys.js';
import { DEFAULT_ISSUER_MAX_TOKEN_LIFETIME } from '../auth/token-lifetime.js';
import { parseLifetimeLimit } from './token-lifetime-rules.js';
import { issuerInputSchema, type IssuerInput } from './issuers-schema.js';
import { checkHumanNamespaces, type NamespaceEntry } from './check-human-namespaces.js';

export const ISSUER_DEFAULTS = Object.freeze({
  clockSkew: '30s',
  jwksCacheMaxAge: '10m',
  jwksCooldown: '30s',
  jwksTimeout: '5s',
  agentClaim: 'sub',
  maxTokenLifetime: DEFAULT_ISSUER_MAX_TOKEN_LIFETIME,
});
/** Beyond this a token's times say little: a token valid for minutes would be accepted long after. */
const MAX_CLOCK_SKEW_MS = 5 * 60_000;
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Like parseDuration, but `0s` is a valid skew or cooldown. */
const durationMs = (text: string): number | string => {
  if (/^0+(ms|s|m|h|d)$/.test(text.trim())) return 0;
  const parsed = parseDuration(text);
  return parsed.ok ? parsed.value : parsed.issue.message;
};

const algorithmProblem = (alg: string): string | undefined => {
  if (alg.toLowerCase() === 'none') return 'none is never accepted: an unsigned token proves nothing';
  if (/^HS\d+$/i.test(alg)) return `${alg} is never accepted: with a JWKS, an HMAC check would use a public key as the secret (algorithm confusion)`;
  if (!(ASYMMETRIC_ALGORITHMS as readonly string[]).includes(alg)) return `${alg} is not one of ${ASYMMETRIC_ALGORITHMS.join(', ')}`;
  return undefined;
};

type Read = { jwks?: JSONWebKeySet; problem?: string };
const readJwksFile = (path: string): Read => {
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    return { problem: `${path}: cannot read a JWKS (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})` };
  }
  const keys = (doc as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys) || keys.length === 0) return { problem: `${path}: must be a JWKS, {"keys": [ … ]} with at least one key` };
  for (const key of keys as Record<string, unknown>[]) {
    if (typeof key !== 'object' || key === null || typeof key['kty'] !== 'string') return { problem: `${path}: every key needs a kty` };
    if (key['kty'] === 'oct') return { problem: `${path}: holds a symmetric (oct) key: only public keys belong in a JWKS` };
    if (key['d'] !== undefined) return { problem: `${path}: holds a private key (member d): publish only the public half` };
  }
  return { jwks: doc as JSONWebKeySet };
};

type Checked = { problems: string[]; issuers: TrustedIssuer[] };

const checkOne = (input: IssuerInput, at: string, cwd: string, problems: string[]): TrustedIssuer | undefined => {
  const before = problems.length;
  if ((input.jwksUrl === undefined) === (input.jwksFile === undefined)) problems.push(`${at}: give exactly one of jwksUrl and jwksFile`);
  if (input.jwksUrl !== undefined) {
    const url = new URL(input.jwksUrl);
    if (url.protocol !== 'https:' && !LOOPBACK.has(url.hostname)) problems.push(`${at}.jwksUrl: must be https (http only on loopback)`);
  }
  if (input.issuer === TOKEN_ISSUER) problems.push(`${at}.issuer: "${TOKEN_ISSUER}" is the broker's own issuer`);
  if (input.name === BROKER_ISSUER_NAME) problems.push(`${at}.name: "${BROKER_ISSUER_NAME}" is reserved for the broker's own tokens`);
  const algorithms = input.algorithms ?? [...ASYMMETRIC_ALGORITHMS];
  input.algorithms?.forEach((alg, i) => {
    const problem = algorithmProblem(alg);
    if (problem !== undefined) problems.push(`${at}.algorithms.${i}: ${problem}`);
  });
  const durations: Record<string, number> = {};
  for (const key of ['clockSkew', 'jwksCacheMaxAge', 'jwksCooldown', 'jwksTimeout'] as const) {
    const ms = durationMs(input[key] ?? ISSUER_DEFAULTS[key]);
    if (typeof ms === 'string') problems.push(`${at}.${key}: ${ms}`);
    else durations[key] = ms;
  }
  if ((durations['clockSkew'] ?? 0) > MAX_CLOCK_SKEW_MS) problems.push(`${at}.clockSkew: must be at most 5m`);
  if (durations['jwksTimeout'] === 0) problems.push(`${at}.jwksTimeout: must be greater than zero`);
  const maxTokenLifetimeMs = parseLifetimeLimit(input.maxTokenLifetime ?? ISSUER_DEFAULTS.maxTokenLifetime, `${at}.maxTokenLifetime`, problems);
  let jwks: JSONWebKeySet | undefined;
  const jwksPath = input.jwksFile === undefined ? undefined : resolve(cwd, input.jwksFile);
  if (jwksPath !== undefined) {
    const read = readJwksFile(jwksPath);
    if (read.problem !== undefined) problems.push(`${at}.jwksFile: ${read.problem}`);
    jwks = read.jwks;
  }
  if (problems.length > before) return undefined;
  const humanInput = input.claims?.human;
  const human = humanInput === undefined ? undefined : typeof humanInput === 'string' || Array.isArray(humanInput) ? { claim: humanInput } : humanInput;
  return Object.freeze({
    name: input.name,
    humanNamespace: input.humanNamespace ?? input.name,
    issuer: input.issuer,
    keys: Object.freeze(
      input.jwksUrl !== undefined
        ? { kind: 'remote' as const, url: input.jwksUrl, cacheMaxAgeMs: durations['jwksCacheMaxAge']!, cooldownMs: durations['jwksCooldown']!, timeoutMs: durations['jwksTimeout']! }
        : { kind: 'file' as const, path: jwksPath!, jwks: jwks! },
    ),
    audience: Object.freeze(typeof input.audience === 'string' ? [input.audience] : [...input.audience]),
    algorithms: Object.freeze([...algorithms]),
    clockSkewSeconds: Math.floor(durations['clockSkew']! / 1000),
    maxTokenLifetimeMs: maxTokenLifetimeMs!,
    claims: Object.freeze({
      agent: input.claims?.agent ?? ISSUER_DEFAULTS.agentClaim,
      // No human claim: the agent acts for itself (its own namespaced name), never for nobody.
      human: Object.freeze(human ?? { claim: input.claims?.agent ?? ISSUER_DEFAULTS.agentClaim }),
      groups: Object.freeze([...(input.claims?.groups ?? [])]),
      session: input.claims?.session,
    }),
    role: Object.freeze({
      default: input.role?.default ?? 'agent',
      approverGroups: Object.freeze([...(input.role?.approverGroups ?? [])]),
      adminGroups: Object.freeze([...(input.role?.adminGroups ?? [])]),
    }),
  });
};

/**
 * Every problem of the `issuers` block as `path: message` (shape problems are the schema's), and the resolved
 * issuers when there are none. `raw` is the merged input before the schema (it may be any shape).
 */
export const checkIssuers = (raw: unknown, cwd: string): Checked => {
  const problems: string[] = [];
  const issuers: TrustedIssuer[] = [];
  if (!Array.isArray(raw)) return { problems, issuers };
  const names = new Map<string, number>();
  const isses = new Map<string, number>();
  const namespaces: NamespaceEntry[] = [];
  raw.forEach((entry: unknown, i) => {
    const parsed = issuerInputSchema.safeParse(entry);
    if (!parsed.success) return; // the schema reports it
    const at = `issuers.${i}`;
    const { name, issuer } = parsed.data;
    if (names.has(name)) problems.push(`${at}.name: "${name}" is also issuers.${names.get(name)}'s name`);
    else names.set(name, i);
    if (isses.has(issuer)) problems.push(`${at}.issuer: ${issuer} is also issuers.${isses.get(issuer)}'s issuer (tokens are matched to an issuer by iss, exactly)`);
    else isses.set(issuer, i);
    namespaces.push({ at, input: parsed.data });
    const resolved = checkOne(parsed.data, at, cwd, problems);
    if (resolved !== undefined) issuers.push(resolved);
  });
  problems.push(...checkHumanNamespaces(namespaces));
  return { problems, issuers };
};
