// Builds the configured credentials mode, plus the roles policy mappings name. The broker's own credentials come
// from the AWS SDK's default chain (env, shared config/SSO profile, container or instance role) unless a test
// hands in its own.
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import type { BaseCredentials, CredentialSource } from './credential-source.js';
import { createPassthroughCredentials, PASSTHROUGH_WARNING } from './passthrough-credentials.js';
import { createAssumeRoleCredentials } from './assume-role-credentials.js';
import { createRoleSessions, type RoleSessions } from './role-sessions.js';

/** The same shape as `BrokerConfig['credentials']` (config-schema.ts). */
export type CredentialsSettings = Readonly<
  | { mode: 'passthrough' }
  | { mode: 'assume-role'; roleArn: string; externalId: string | undefined; durationSeconds: number | undefined }
>;

/** STS has a regional endpoint in every region; without a configured region the broker asks us-east-1's. */
export const DEFAULT_STS_REGION = 'us-east-1';

export type CredentialsWhere = Readonly<{ region: string | undefined; endpoint: string | undefined; base?: BaseCredentials; clock?: () => Date }>;

/**
 * A passthrough broker still assumes the role a policy mapping names: a mapping always means AssumeRole with the
 * broker's own credentials, never "the broker's keys". The STS client is made on the first mapped command, so a
 * broker without mappings never creates one.
 */
const passthroughWithMappings = (base: BaseCredentials, roles: () => RoleSessions): CredentialSource => {
  const passthrough = createPassthroughCredentials(base);
  let sessions: RoleSessions | undefined;
  return Object.freeze({
    ...passthrough,
    forCommand: (request) => (request.role === undefined ? passthrough.forCommand(request) : (sessions ??= roles()).grant(request.role, request)),
  });
};

export const createCredentialSource = (settings: CredentialsSettings, where: CredentialsWhere): Readonly<{ source: CredentialSource; warning: string | null }> => {
  const base = where.base ?? fromNodeProviderChain();
  const sts = {
    region: where.region ?? DEFAULT_STS_REGION,
    endpoint: where.endpoint,
    base,
    ...(where.clock === undefined ? {} : { clock: where.clock }),
  };
  if (settings.mode === 'passthrough') return { source: passthroughWithMappings(base, () => createRoleSessions(sts)), warning: PASSTHROUGH_WARNING };
  return {
    source: createAssumeRoleCredentials({ ...sts, roleArn: settings.roleArn, externalId: settings.externalId, durationSeconds: settings.durationSeconds }),
    warning: null,
  };
};
