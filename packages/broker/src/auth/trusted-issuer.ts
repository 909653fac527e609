// An external token issuer the broker trusts (an OIDC provider, a CI provider, a Kubernetes cluster): where its
// keys are, what its tokens must say, and how their claims become an aws-guard identity. Built by the config.
import type { JSONWebKeySet } from 'jose';
import type { ClaimPath } from './claim-path.js';
import type { Role } from './identity.js';

/** Signature algorithms accepted by default: asymmetric only. `none` and HMAC (HS*) can never be configured. */
export const ASYMMETRIC_ALGORITHMS = Object.freeze(['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'] as const);

/** The broker's own issuer name, reserved: policy rules match it as `issuers: [aws-guard]`. */
export const BROKER_ISSUER_NAME = 'aws-guard';

export type IssuerKeySource =
  | Readonly<{ kind: 'remote'; url: string; cacheMaxAgeMs: number; cooldownMs: number; timeoutMs: number }>
  | Readonly<{ kind: 'file'; path: string; jwks: JSONWebKeySet }>;

export type TrustedIssuer = Readonly<{
  /** Short name: the namespace of agents and groups its tokens map to (`github/…`), and `issuers:` in policy. */
  name: string;
  /**
   * The namespace of humans mapped from a claim: `humanNamespace` in the config, else `name`. Issuers sharing one
   * name a person identically, so approvals see one human (check-human-namespaces.ts says who may share).
   */
  humanNamespace: string;
  /** The exact `iss` its tokens carry. */
  issuer: string;
  keys: IssuerKeySource;
  /** A token must name at least one of these in `aud`. */
  audience: readonly string[];
  algorithms: readonly string[];
  clockSkewSeconds: number;
  /** Its tokens may live at most this long (exp − iat; exp − now without iat): `maxTokenLifetime`, default 24h. */
  maxTokenLifetimeMs: number;
  claims: Readonly<{
    agent: ClaimPath;
    /** A claim (namespaced by humanNamespace) or a fixed value the operator chose (taken as written). */
    human: Readonly<{ claim: ClaimPath }> | Readonly<{ value: string }>;
    /** Each path names a string or a list of strings; every value becomes a group `<name>/<value>`. */
    groups: readonly ClaimPath[];
    /** Which claim ties a token to one agent session (one recording); default `jti`. */
    session: ClaimPath | undefined;
  }>;
  /** The role for a token: admin if any group claim value is in adminGroups, else approver likewise, else default. */
  role: Readonly<{ default: Role; approverGroups: readonly string[]; adminGroups: readonly string[] }>;
}>;
