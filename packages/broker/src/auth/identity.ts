// Who is calling: what a verified token says, in the shape policy, audit and approvals use.
export const ROLES = ['agent', 'approver', 'admin'] as const;
export type Role = (typeof ROLES)[number];

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
}>;
