// Builds the configured credentials mode. The broker's own credentials come from the AWS SDK's default chain
// (env, shared config/SSO profile, container or instance role) unless a test hands in its own.
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import type { BaseCredentials, CredentialSource } from './credential-source.js';
import { createPassthroughCredentials, PASSTHROUGH_WARNING } from './passthrough-credentials.js';
import { createAssumeRoleCredentials } from './assume-role-credentials.js';

/** The same shape as `BrokerConfig['credentials']` (config-schema.ts). */
export type CredentialsSettings = Readonly<
  | { mode: 'passthrough' }
  | { mode: 'assume-role'; roleArn: string; externalId: string | undefined; durationSeconds: number | undefined }
>;

/** STS has a regional endpoint in every region; without a configured region the broker asks us-east-1's. */
export const DEFAULT_STS_REGION = 'us-east-1';

export const createCredentialSource = (
  settings: CredentialsSettings,
  where: Readonly<{ region: string | undefined; endpoint: string | undefined; base?: BaseCredentials; clock?: () => Date }>,
): Readonly<{ source: CredentialSource; warning: string | null }> => {
  const base = where.base ?? fromNodeProviderChain();
  if (settings.mode === 'passthrough') return { source: createPassthroughCredentials(base), warning: PASSTHROUGH_WARNING };
  return {
    source: createAssumeRoleCredentials({
      roleArn: settings.roleArn,
      externalId: settings.externalId,
      durationSeconds: settings.durationSeconds,
      region: where.region ?? DEFAULT_STS_REGION,
      endpoint: where.endpoint,
      base,
      ...(where.clock === undefined ? {} : { clock: where.clock }),
    }),
    warning: null,
  };
};
