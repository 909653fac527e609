// The broker's own AWS credentials (env, shared config/SSO profile, container or instance role), resolved
// through the AWS SDK's default chain. They reach only the CLI's environment, never the agent or the logs.
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { fail, ok, type Result } from '@aws-guard/shared/result';
import type { AwsCredentials } from '../exec/sandbox-env.js';

export type CredentialSource = Readonly<{
  /** Credentials for one command; refreshed by the SDK before they expire. */
  forCommand: () => Promise<Result<AwsCredentials, 'CREDENTIALS_UNAVAILABLE'>>;
}>;

export const createBrokerCredentials = (): CredentialSource => {
  const provider = fromNodeProviderChain();
  return Object.freeze({
    forCommand: async () => {
      try {
        const c = await provider();
        return ok(Object.freeze({ accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, sessionToken: c.sessionToken }));
      } catch (e) {
        // The SDK's message names the providers it tried; it never contains a secret.
        return fail('CREDENTIALS_UNAVAILABLE', `the broker has no AWS credentials: ${(e as Error).message.split('\n')[0]}`);
      }
    },
  });
};
