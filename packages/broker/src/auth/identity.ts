// Who is calling: what a verified token says, in the shape policy, audit and approvals use.
import { TOKEN_ISSUER } from './token-keys.js';
import { BROKER_ISSUER_NAME } from './trusted-issuer.js';

export const ROLES = ['agent', 'approver', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Where an external token came from (auth/trusted-issuer.ts); absent on the broker's own tokens. */
export type IdentitySource = Readonly<{
  /** The trusted issuer's name: the namespace of the agent and the groups. */
  name: string;
  /** The namespace the human was named in (the issuer's humanNamespace); null when the human is a fixed value. */
  humanNamespace: string | null;
  /** The token's `iss`. */
  url: string;
  /** The token's `sub`, as the issuer wrote it. */
  subject: string;
  /** The signing key's id, when the token names one. */
  keyId: string | undefined;
}>;

export type Identity = Readonly<{
  /** The agent's name (token `sub`). */
  agent: string;
  /** The human the agent acts for. */
  human: string;
  role: Role;
  /** The groups the token names (claim `groups`), matched by policy and approval rules; empty when it names none. */
  groups: readonly string[];
  /** The agent session the token belongs to: one recording, one audit session. */
  sessionId: string;
  /** The token's id (`jti`): audited, never the token itself. */
  tokenId: string;
  expiresAt: Date;
  /** The external issuer that vouched for this identity; absent = a broker-issued token. */
  source?: IdentitySource;
}>;

/** The issuer name policy rules match (`issuers:`): the external issuer's, else the broker's own. */
export const issuerNameOf = (identity: Pick<Identity, 'source'>): string => identity.source?.name ?? BROKER_ISSUER_NAME;

/** The issuer as `token.accepted` and `token.refreshed` audit it: the token's `iss` and the name policy matches. */
export const auditedIssuerOf = (identity: Pick<Identity, 'source'>): { issuer: string; issuerName: string } => ({
  issuer: identity.source?.url ?? TOKEN_ISSUER,
  issuerName: issuerNameOf(identity),
});
