// Mints a broker token: a signed JWT naming the agent, the human it acts for, the role and a session.
import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import type { Role } from './identity.js';
import { checkTokenGroups } from './token-groups.js';
import { TOKEN_ALG, TOKEN_AUDIENCE, TOKEN_ISSUER, type TokenKeys } from './token-keys.js';

export type TokenRequest = Readonly<{
  agent: string;
  human: string;
  role: Role;
  /** Claim `groups`, omitted when empty; must pass checkTokenGroups (the CLI checks its flags with it first). */
  groups?: readonly string[];
  ttlMs: number;
  /** Defaults to a fresh id: one token, one agent session. */
  sessionId?: string;
  now?: Date;
}>;

export const issueToken = async (keys: TokenKeys, req: TokenRequest): Promise<{ token: string; sessionId: string; expiresAt: Date }> => {
  const now = req.now ?? new Date();
  const iat = Math.floor(now.getTime() / 1000);
  const exp = iat + Math.max(1, Math.floor(req.ttlMs / 1000));
  const sessionId = req.sessionId ?? `ses_${randomUUID().replace(/-/g, '').slice(0, 20)}`;
  const groups = checkTokenGroups(req.groups ?? []);
  // Minting a token the broker would refuse is a caller's bug, not an outcome to report.
  if (!groups.ok) throw new Error(`issueToken: ${groups.issue.message}`);
  const claims = { role: req.role, human: req.human, sid: sessionId, ...(groups.value.length === 0 ? {} : { groups: [...groups.value] }) };
  const token = await new SignJWT(claims)
    .setProtectedHeader({ alg: TOKEN_ALG, kid: keys.keyId, typ: 'JWT' })
    .setIssuer(TOKEN_ISSUER)
    .setAudience(TOKEN_AUDIENCE)
    .setSubject(req.agent)
    .setJti(randomUUID())
    .setIssuedAt(iat)
    .setExpirationTime(exp)
    .sign(keys.privateKey);
  return { token, sessionId, expiresAt: new Date(exp * 1000) };
};
