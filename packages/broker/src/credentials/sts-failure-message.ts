// Turns an SDK/STS failure into one line an agent may read: the error's name and first line, with every
// known secret and anything shaped like a key removed. STS does not echo secrets today; this must not rely on it.
const MAX_LENGTH = 300;
/** Access key ids are audited, not secret, but the broker's own has no business in an agent's terminal. */
const KEY_ID = /\b(?:AKIA|ASIA|AROA|AIDA)[A-Z0-9]{12,}\b/g;
/** A secret access key is 40 characters of base64; session tokens are longer runs of the same alphabet. */
const KEY_LIKE = /[A-Za-z0-9/+=]{40,}/g;

type SdkError = { name?: unknown; message?: unknown; code?: unknown; $metadata?: { httpStatusCode?: unknown } };

export const firstLine = (e: unknown): string => {
  const message = e instanceof Error || (typeof e === 'object' && e !== null) ? String((e as SdkError).message ?? '') : String(e);
  return message.split('\n')[0]?.trim() || 'no details';
};

export const scrubSecrets = (text: string, secrets: readonly (string | undefined)[]): string => {
  let out = text;
  // Known values first (exactly, wherever they appear), then anything that merely looks like one.
  for (const secret of secrets) if (secret !== undefined && secret.length >= 8) out = out.split(secret).join('[redacted]');
  // A long path-like run without digits or mixed case (a role name, a URL path) is not key-shaped.
  out = out.replace(KEY_LIKE, (run) => (/\d/.test(run) && /[a-z]/.test(run) && /[A-Z]/.test(run) ? '[redacted]' : run)).replace(KEY_ID, '[key id]');
  return out.length > MAX_LENGTH ? `${out.slice(0, MAX_LENGTH)}…` : out;
};

/** Whether STS answered (a service error such as AccessDenied) or never did (refused, reset, timed out). */
export const isServiceError = (e: unknown): boolean =>
  typeof e === 'object' && e !== null && typeof (e as SdkError).$metadata?.httpStatusCode === 'number';

export const describeStsFailure = (
  e: unknown,
  where: Readonly<{ roleArn: string; endpoint: string }>,
  secrets: readonly (string | undefined)[],
): string => {
  const err = (typeof e === 'object' && e !== null ? e : {}) as SdkError;
  const name = typeof err.name === 'string' && err.name !== 'Error' ? err.name : typeof err.code === 'string' ? err.code : 'Error';
  const detail = scrubSecrets(`${name}: ${firstLine(e)}`, secrets);
  return isServiceError(e)
    ? `STS refused to assume ${where.roleArn}: ${detail}`
    : `could not reach STS at ${where.endpoint} to assume ${where.roleArn}: ${detail}`;
};
