// The `issuers` block of the broker config: external token issuers the broker trusts (docs/identity.md).
// Rules across keys, reading a local JWKS and resolving to auth/trusted-issuer.ts live in issuers-rules.ts.
import { z } from 'zod';
import { ROLES } from '../auth/identity.js';
import { MAX_PATH_SEGMENTS } from '../auth/claim-path.js';

const claimPath = z.union([
  z.string().min(1).max(256).refine((p) => p.split('.').length <= MAX_PATH_SEGMENTS && !p.split('.').includes(''), `must be at most ${MAX_PATH_SEGMENTS} non-empty dot-separated keys`),
  z.array(z.string().min(1).max(128)).min(1).max(MAX_PATH_SEGMENTS),
], { error: 'must be a claim path such as sub or kubernetes.io.serviceaccount.name, or a list of keys' });
const duration = z.string().regex(/^\d+(ms|s|m|h|d)$/, 'must be a duration such as 30s or 10m');
const groupValues = z.array(z.string().min(1).max(256)).min(1);
// Issuer names and human namespaces share one grammar: both prefix names (`github/…`) and neither may hold `/`.
const namespaceName = z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}$/, 'must be 1-32 lowercase letters, digits or -, e.g. github or k8s-prod');

export const issuerInputSchema = z.strictObject({
  name: namespaceName,
  /** The namespace of the humans its tokens name; issuers sharing one name a person identically (docs/identity.md). */
  humanNamespace: namespaceName.optional(),
  issuer: z.string().min(1).max(1024),
  jwksUrl: z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }).optional(),
  jwksFile: z.string().min(1).optional(),
  jwksCacheMaxAge: duration.optional(),
  jwksCooldown: duration.optional(),
  jwksTimeout: duration.optional(),
  audience: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)], { error: 'must be the audience tokens for this broker carry (a string or a list)' }),
  algorithms: z.array(z.string().min(1)).min(1).optional(),
  clockSkew: duration.optional(),
  // Range checked in issuers-rules.ts (token-lifetime-rules.ts); default ISSUER_DEFAULTS.maxTokenLifetime.
  maxTokenLifetime: duration.optional(),
  claims: z
    .strictObject({
      agent: claimPath.optional(),
      human: z.union([claimPath, z.strictObject({ claim: claimPath }), z.strictObject({ value: z.string().min(1).max(256) })]).optional(),
      groups: z.array(claimPath).optional(),
      session: claimPath.optional(),
    })
    .optional(),
  role: z
    .strictObject({
      default: z.enum(ROLES).optional(),
      approverGroups: groupValues.optional(),
      adminGroups: groupValues.optional(),
    })
    .optional(),
});

export const issuersInputSchema = z.array(issuerInputSchema);
export type IssuerInput = z.infer<typeof issuerInputSchema>;
