// Mode `assume-role`: every command runs as a role assumed through STS (role-sessions.ts): the role a policy
// mapping names for the caller, else the configured one.
import type { CredentialSource } from './credential-source.js';
import { createRoleSessions, type RoleSessionsOptions } from './role-sessions.js';

export { DEFAULT_REFRESH_MARGIN_MS } from './role-sessions.js';

export type AssumeRoleOptions = RoleSessionsOptions &
  Readonly<{
    roleArn: string;
    externalId?: string | undefined;
    /** The session length the operator accepts (900–43200); unset = just long enough for each command. */
    durationSeconds?: number | undefined;
  }>;

export const createAssumeRoleCredentials = (opts: AssumeRoleOptions): CredentialSource => {
  const sessions = createRoleSessions(opts);
  const configured = Object.freeze({ roleArn: opts.roleArn, externalId: opts.externalId, durationSeconds: opts.durationSeconds });
  return Object.freeze({
    mode: 'assume-role' as const,
    roleArn: opts.roleArn,
    forCommand: (request) => sessions.grant(request.role ?? configured, request),
  });
};
