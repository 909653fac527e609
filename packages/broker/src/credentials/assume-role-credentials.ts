// Mode `assume-role`: STS AssumeRole from the broker's own credentials, naming the human (SourceIdentity) and
// the agent, session and request (session tags), cached per identity + role while a session still covers a command.
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { fail, ok, type Result } from '@aws-guard/shared/result';
import type { BaseCredentials, CredentialSource, CredentialsErrorCode, SessionCredentials } from './credential-source.js';
import { createCredentialCache } from './credential-cache.js';
import { assumeRoleInput, sessionDurationSeconds } from './sts-request.js';
import { describeStsFailure, firstLine } from './sts-failure-message.js';

export type AssumeRoleOptions = Readonly<{
  roleArn: string;
  externalId?: string | undefined;
  /** The session length the operator accepts (900–43200); unset = just long enough for each command. */
  durationSeconds?: number | undefined;
  region: string;
  /** The broker's trusted endpoint override (an emulator); unset = the region's STS endpoint. */
  endpoint?: string | undefined;
  base: BaseCredentials;
  clock?: () => Date;
  /**
   * A session is handed out only if it still has the command's time limit plus this margin to live, and a
   * fresh one is asked for that long: the CLI gets static keys and cannot refresh them itself.
   */
  refreshMarginMs?: number;
  /** SDK attempts per AssumeRole (network errors and throttling are retried with backoff). */
  maxAttempts?: number;
  /** Per-attempt connect and response limits: a silent STS must not hold a command forever. */
  connectTimeoutMs?: number;
  requestTimeoutMs?: number;
}>;

export const DEFAULT_REFRESH_MARGIN_MS = 60_000;

type Session = Readonly<{
  credentials: SessionCredentials;
  expiresAt: Date;
  sessionName: string;
  sourceIdentity: string;
  requestTag: string;
}>;

export const createAssumeRoleCredentials = (opts: AssumeRoleOptions): CredentialSource => {
  const clock = opts.clock ?? (() => new Date());
  const marginMs = opts.refreshMarginMs ?? DEFAULT_REFRESH_MARGIN_MS;
  const endpointName = opts.endpoint ?? `the ${opts.region} regional endpoint`;
  const sts = new STSClient({
    region: opts.region,
    ...(opts.endpoint === undefined ? {} : { endpoint: opts.endpoint }),
    // A fresh object each time: the SDK writes bookkeeping onto the credentials it is given.
    credentials: async () => ({ ...(await opts.base()) }),
    maxAttempts: opts.maxAttempts ?? 3,
    // Without throwOnRequestTimeout the SDK only logs a warning when the limit passes, and keeps waiting.
    requestHandler: { connectionTimeout: opts.connectTimeoutMs ?? 5_000, requestTimeout: opts.requestTimeoutMs ?? 10_000, throwOnRequestTimeout: true },
  });
  const cache = createCredentialCache<Session>(clock);

  const assume = async (input: ReturnType<typeof assumeRoleInput>, requestId: string): Promise<Result<Session, CredentialsErrorCode>> => {
    // Resolved here first so that "no credentials at all" is told apart from "STS said no".
    let base: Awaited<ReturnType<BaseCredentials>>;
    try {
      base = await opts.base();
    } catch (e) {
      return fail('CREDENTIALS_UNAVAILABLE', `the broker has no AWS credentials to assume ${opts.roleArn} with: ${firstLine(e)}`);
    }
    const secrets = [base.secretAccessKey, base.sessionToken];
    try {
      const out = await sts.send(new AssumeRoleCommand(input));
      const c = out.Credentials;
      if (c?.AccessKeyId === undefined || c.SecretAccessKey === undefined || c.SessionToken === undefined || c.Expiration === undefined)
        return fail('CREDENTIALS_ASSUME_FAILED', `STS answered AssumeRole of ${opts.roleArn} without complete credentials`);
      return ok(
        Object.freeze({
          credentials: Object.freeze({ accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken }),
          expiresAt: c.Expiration,
          sessionName: input.RoleSessionName ?? '',
          sourceIdentity: input.SourceIdentity ?? '',
          requestTag: requestId,
        }),
      );
    } catch (e) {
      return fail('CREDENTIALS_ASSUME_FAILED', describeStsFailure(e, { roleArn: opts.roleArn, endpoint: endpointName }, secrets));
    }
  };

  return Object.freeze({
    mode: 'assume-role' as const,
    roleArn: opts.roleArn,
    forCommand: async ({ requestId, identity, timeoutMs }) => {
      // Everything baked into a session (name, SourceIdentity, tags, role) is in the key: a session is only
      // ever reused for the same agent session acting for the same human.
      const key = JSON.stringify([opts.roleArn, identity.agent, identity.human, identity.sessionId]);
      const durationSeconds = sessionDurationSeconds(timeoutMs, marginMs, opts.durationSeconds);
      const input = assumeRoleInput({ roleArn: opts.roleArn, externalId: opts.externalId, durationSeconds, requestId, identity });
      const got = await cache.obtain(key, timeoutMs + marginMs, () => assume(input, requestId));
      if (!got.ok) return got;
      const session = got.value.value;
      return ok(
        Object.freeze({
          credentials: session.credentials,
          audit: Object.freeze({
            mode: 'assume-role' as const,
            roleArn: opts.roleArn,
            sessionName: session.sessionName,
            sourceIdentity: session.sourceIdentity,
            accessKeyId: session.credentials.accessKeyId,
            expiresAt: session.expiresAt.toISOString(),
            requestTag: session.requestTag,
            reused: got.value.reused,
          }),
        }),
      );
    },
  });
};
