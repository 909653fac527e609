// Mode `passthrough`: every command runs with the broker's own credentials (for getting started). CloudTrail
// then names the broker, not the human, which is why the broker warns at start-up in this mode.
import { fail, ok } from '@aws-guard/shared/result';
import type { BaseCredentials, CredentialSource } from './credential-source.js';
import { firstLine } from './sts-failure-message.js';

export const PASSTHROUGH_WARNING =
  "credentials mode is passthrough: every command runs with the broker's own AWS credentials and CloudTrail cannot tell who asked; use --credentials-mode assume-role --role-arn ARN (docs/credentials.md)";

export const createPassthroughCredentials = (base: BaseCredentials): CredentialSource =>
  Object.freeze({
    mode: 'passthrough' as const,
    roleArn: null,
    forCommand: async () => {
      try {
        const c = await base();
        return ok(
          Object.freeze({
            credentials: Object.freeze({ accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, sessionToken: c.sessionToken }),
            audit: Object.freeze({
              mode: 'passthrough' as const,
              roleArn: null,
              sessionName: null,
              sourceIdentity: null,
              accessKeyId: c.accessKeyId,
              expiresAt: c.expiration?.toISOString() ?? null,
              requestTag: null,
              reused: false,
              mappingId: null,
            }),
          }),
        );
      } catch (e) {
        // The SDK's message names the providers it tried; it never contains a secret (there is none to leak yet).
        return fail('CREDENTIALS_UNAVAILABLE', `the broker has no AWS credentials: ${firstLine(e)}`);
      }
    },
  });
