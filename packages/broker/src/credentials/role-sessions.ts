// STS AssumeRole of any role from the broker's own credentials, naming the human (SourceIdentity) and the agent,
// session and request (session tags), cached per role + identity while a session still covers a whole command.
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { formatDuration } from '@aws-guard/shared/duration';
import { STS_MAX_DURATION_SECONDS } from '@aws-guard/shared/iam-role';
import { fail, ok, type Result } from '@aws-guard/shared/result';
import type { BaseCredentials, CredentialGrant, CredentialRequest, CredentialsErrorCode, SessionCredentials } from './credential-source.js';
import { createCredentialCache } from './credential-cache.js';
import { assumeRoleInput, sessionDurationSeconds } from './sts-request.js';
import { describeStsFailure, firstLine } from './sts-failure-message.js';

export type RoleSessionsOptions = Readonly<{
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

/** What to assume: the broker's configured role (no mapping id) or one a policy mapping chose. */
export type RoleToAssume = Readonly<{ roleArn: string; externalId?: string | undefined; durationSeconds?: number | undefined; mappingId?: string }>;

export type RoleSessions = Readonly<{
  grant: (role: RoleToAssume, request: CredentialRequest) => Promise<Result<CredentialGrant, CredentialsErrorCode>>;
}>;

export const DEFAULT_REFRESH_MARGIN_MS = 60_000;

type Session = Readonly<{ credentials: SessionCredentials; expiresAt: Date; sessionName: string; sourceIdentity: string; requestTag: string }>;

/** STS names the limit it enforced; say which session length was asked for and what would make it fit. */
const durationHint = (message: string, durationSeconds: number, timeoutMs: number): string =>
  /MaxSessionDuration/.test(message)
    ? ` (asked for ${durationSeconds} s to cover the command's time limit of ${formatDuration(timeoutMs)}: raise the role's MaxSessionDuration, or lower the limit or durationSeconds)`
    : '';

export const createRoleSessions = (opts: RoleSessionsOptions): RoleSessions => {
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

  const assume = async (input: ReturnType<typeof assumeRoleInput>, requestId: string, timeoutMs: number): Promise<Result<Session, CredentialsErrorCode>> => {
    const roleArn = input.RoleArn ?? '';
    // Resolved here first so that "no credentials at all" is told apart from "STS said no".
    let base: Awaited<ReturnType<BaseCredentials>>;
    try {
      base = await opts.base();
    } catch (e) {
      return fail('CREDENTIALS_UNAVAILABLE', `the broker has no AWS credentials to assume ${roleArn} with: ${firstLine(e)}`);
    }
    try {
      const out = await sts.send(new AssumeRoleCommand(input));
      const c = out.Credentials;
      if (c?.AccessKeyId === undefined || c.SecretAccessKey === undefined || c.SessionToken === undefined || c.Expiration === undefined)
        return fail('CREDENTIALS_ASSUME_FAILED', `STS answered AssumeRole of ${roleArn} without complete credentials`);
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
      const message = describeStsFailure(e, { roleArn, endpoint: endpointName }, [base.secretAccessKey, base.sessionToken]);
      return fail('CREDENTIALS_ASSUME_FAILED', message + durationHint(message, input.DurationSeconds ?? 0, timeoutMs));
    }
  };

  return Object.freeze({
    grant: async (role: RoleToAssume, { requestId, identity, timeoutMs }: CredentialRequest) => {
      const neededMs = timeoutMs + marginMs;
      if (neededMs > STS_MAX_DURATION_SECONDS * 1000)
        return fail(
          'CREDENTIALS_TOO_SHORT',
          `the command's time limit of ${formatDuration(timeoutMs)} is longer than a session of ${role.roleArn} can last (STS: at most 12h, less the broker's ${marginMs / 1000} s margin): lower the limit`,
        );
      // Everything baked into a session (role, ExternalId, name, SourceIdentity, tags) is in the key: a session is
      // only ever reused for the same role and agent session acting for the same human.
      const key = JSON.stringify([role.roleArn, role.externalId ?? null, identity.agent, identity.human, identity.sessionId]);
      const durationSeconds = sessionDurationSeconds(timeoutMs, marginMs, role.durationSeconds);
      const input = assumeRoleInput({ roleArn: role.roleArn, externalId: role.externalId, durationSeconds, requestId, identity });
      const got = await cache.obtain(key, neededMs, () => assume(input, requestId, timeoutMs));
      if (!got.ok) return got;
      const session = got.value.value;
      // The invariant, checked rather than assumed: STS may answer with a shorter session than asked for, or its
      // clock may run ahead of ours. Credentials that die mid-command are never handed out.
      if (session.expiresAt.getTime() - clock().getTime() < timeoutMs)
        return fail(
          'CREDENTIALS_TOO_SHORT',
          `STS gave a session of ${role.roleArn} that expires at ${session.expiresAt.toISOString()}, before the command's time limit of ${formatDuration(timeoutMs)} would end`,
        );
      return ok(
        Object.freeze({
          credentials: session.credentials,
          audit: Object.freeze({
            mode: 'assume-role' as const,
            roleArn: role.roleArn,
            sessionName: session.sessionName,
            sourceIdentity: session.sourceIdentity,
            accessKeyId: session.credentials.accessKeyId,
            expiresAt: session.expiresAt.toISOString(),
            requestTag: session.requestTag,
            reused: got.value.reused,
            mappingId: role.mappingId ?? null,
          }),
        }),
      );
    },
  });
};
