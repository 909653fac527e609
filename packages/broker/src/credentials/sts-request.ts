// The AssumeRole request for one identity: session name, SourceIdentity, session tags and duration, each
// made to fit STS's rules (character sets, lengths, 900 s minimum). Pure: no client, no clock.
import type { AssumeRoleCommandInput } from '@aws-sdk/client-sts';
import { STS_MAX_DURATION_SECONDS, STS_MIN_DURATION_SECONDS } from '@aws-guard/shared/iam-role';

/** Session tag keys. CloudTrail shows them under `requestParameters.tags` of the AssumeRole event. */
export const TAG_AGENT = 'aws-guard:agent';
export const TAG_SESSION = 'aws-guard:session';
export const TAG_REQUEST = 'aws-guard:request';

/** RoleSessionName and SourceIdentity: 2–64 characters of `[\w+=,.@-]`. */
const NAME_DISALLOWED = /[^A-Za-z0-9_+=,.@-]/g;
/** Session tag values: letters, digits, spaces and `_.:/=+-@`, at most 256 characters. */
const TAG_DISALLOWED = /[^\p{L}\p{Z}\p{N}_.:/=+\-@]/gu;

const fitName = (value: string): string => {
  const cleaned = value.replace(NAME_DISALLOWED, '-').slice(0, 64);
  return cleaned.length >= 2 ? cleaned : cleaned.padEnd(2, '_');
};

/** The agent session id: every AssumeRole for one session shares it, so CloudTrail groups a session's calls. */
export const roleSessionName = (sessionId: string): string => fitName(sessionId);

/** The human the agent acts for, else the agent. STS keeps it on every call made with the session (and chained ones). */
export const sourceIdentity = (identity: Readonly<{ agent: string; human: string }>): string =>
  fitName(identity.human.trim() !== '' ? identity.human : identity.agent);

export const tagValue = (value: string): string => [...value.replace(TAG_DISALLOWED, '_')].slice(0, 256).join('');

/**
 * Long enough for the command to finish with the credentials it starts with (its time limit plus the refresh
 * margin), at least the operator's `durationSeconds` when set (longer sessions are reused more), within STS's bounds.
 */
export const sessionDurationSeconds = (timeoutMs: number, marginMs: number, configured: number | undefined): number =>
  Math.min(STS_MAX_DURATION_SECONDS, Math.max(STS_MIN_DURATION_SECONDS, configured ?? 0, Math.ceil((timeoutMs + marginMs) / 1000)));

export type AssumeRoleRequest = Readonly<{
  roleArn: string;
  externalId: string | undefined;
  durationSeconds: number;
  requestId: string;
  identity: Readonly<{ agent: string; human: string; sessionId: string }>;
}>;

export const assumeRoleInput = (r: AssumeRoleRequest): AssumeRoleCommandInput => ({
  RoleArn: r.roleArn,
  RoleSessionName: roleSessionName(r.identity.sessionId),
  SourceIdentity: sourceIdentity(r.identity),
  DurationSeconds: r.durationSeconds,
  Tags: [
    { Key: TAG_AGENT, Value: tagValue(r.identity.agent) },
    { Key: TAG_SESSION, Value: tagValue(r.identity.sessionId) },
    { Key: TAG_REQUEST, Value: tagValue(r.requestId) },
  ],
  ...(r.externalId === undefined ? {} : { ExternalId: r.externalId }),
});
