// What the command flow asks of credentials: one grant per command, with a separate non-secret audit view.
// The secret key and session token live only in `credentials`, which goes to the CLI's environment and nowhere else.
import type { Result } from '@aws-guard/shared/result';

export type CredentialsMode = 'passthrough' | 'assume-role';

/**
 * Stable codes: no base credentials at all; STS refused or could not be reached; no session STS can give would
 * outlive the command's time limit (the command does not run rather than lose its credentials half-way).
 */
export type CredentialsErrorCode = 'CREDENTIALS_UNAVAILABLE' | 'CREDENTIALS_ASSUME_FAILED' | 'CREDENTIALS_TOO_SHORT';

/** The same shape as exec's `AwsCredentials` (sandbox-env.ts), declared here so that leaves do not import each other. */
export type SessionCredentials = Readonly<{ accessKeyId: string; secretAccessKey: string; sessionToken?: string | undefined }>;

/** The broker's own credentials as the SDK's default chain (or a test) resolves them. */
export type BaseCredentials = () => Promise<SessionCredentials & { expiration?: Date | undefined }>;

/** A role the policy maps the caller to (its `credentials` list): always assumed, whatever the broker's mode. */
export type RoleTarget = Readonly<{
  roleArn: string;
  externalId?: string | undefined;
  /** The session length the operator accepts (900–43200); unset = just long enough for each command. */
  durationSeconds?: number | undefined;
  /** The policy mapping's id, audited with the command. */
  mappingId: string;
}>;

export type CredentialRequest = Readonly<{
  requestId: string;
  identity: Readonly<{ agent: string; human: string; sessionId: string }>;
  /** The command's wall-time limit: the credentials handed out must outlive it. */
  timeoutMs: number;
  /** Absent = the broker's configured mode (its own credentials, or its configured role). */
  role?: RoleTarget | undefined;
}>;

/**
 * What the audit may record: everything CloudTrail also shows (the join key for correlation), nothing secret.
 * Absent values are null, as elsewhere in the audit.
 */
export type CredentialAudit = Readonly<{
  mode: CredentialsMode;
  roleArn: string | null;
  sessionName: string | null;
  sourceIdentity: string | null;
  accessKeyId: string;
  /** ISO time; null when the broker's own long-lived keys are passed through. */
  expiresAt: string | null;
  /** The request id in the session's `aws-guard:request` tag: this request's unless the session was reused. */
  requestTag: string | null;
  reused: boolean;
  /** The policy mapping that chose the role; null when the broker's configured mode applied. */
  mappingId: string | null;
}>;

export type CredentialGrant = Readonly<{ credentials: SessionCredentials; audit: CredentialAudit }>;

export type CredentialSource = Readonly<{
  mode: CredentialsMode;
  /** For the start-up log and the `broker.started` record. */
  roleArn: string | null;
  forCommand: (request: CredentialRequest) => Promise<Result<CredentialGrant, CredentialsErrorCode>>;
}>;
