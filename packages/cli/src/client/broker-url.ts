// The broker's address as users write it (ws://, wss://, http://, https://, with or without a path), turned
// into a channel URL; and the broker's refusal of an upgrade turned into one line. Shared by both clients.
import { fail, ok, type Result } from '@aws-guard/shared/result';

const SCHEMES: Readonly<Record<string, string>> = { 'http:': 'ws:', 'https:': 'wss:', 'ws:': 'ws:', 'wss:': 'wss:' };

/** `keepPath`: the agent URL may carry its own path (a proxy prefix); the approver URL always uses `path`. */
export const channelUrl = (raw: string, path: string, what: string, keepPath: boolean): Result<string, 'BROKER_URL'> => {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return fail('BROKER_URL', `${what} is not a URL: "${raw}"`);
  }
  const scheme = SCHEMES[url.protocol];
  if (scheme === undefined) return fail('BROKER_URL', `${what} must be ws://, wss://, http:// or https://, not ${url.protocol}//`);
  url.protocol = scheme;
  if (!keepPath || url.pathname === '/' || url.pathname === '') url.pathname = path;
  return ok(url.toString());
};

/**
 * The broker answers a refused upgrade with `{code, message}` JSON (server/http-server.ts). Anything else came
 * from something that is not the broker (a proxy's error page, another web server): say so, and which setting
 * to check (`check`), rather than blame a broker that may not be there.
 */
export const describeRejection = (url: string, status: number, body: string, check: string): string => {
  try {
    const parsed = JSON.parse(body) as { code?: string; message?: string };
    if (parsed.message) return `the broker refused the connection: ${parsed.message} (${parsed.code ?? status})`;
  } catch {
    // Not JSON: not the broker's answer.
  }
  return `${url} answered HTTP ${status}, which is not an aws-guard broker's answer (a proxy's error, or the wrong address): ${check}`;
};
