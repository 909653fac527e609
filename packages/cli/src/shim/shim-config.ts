// The shim's configuration, from the agent's environment only: where the broker is and the token.
// The token file is read at every command (Kubernetes rewrites projected tokens in place).
import { readFileSync } from 'node:fs';
import { fail, ok, type Result } from '@aws-guard/shared/result';
import { AGENT_PATH } from '@aws-guard/shared/protocol/endpoints';
import { channelUrl } from '../client/broker-url.js';
import { parseDuration } from '@aws-guard/shared/duration';

export type ShimConfig = Readonly<{
  url: string;
  token: string;
  approvalWaitMs: number;
  /** Where the token came from when it was read from AWS_GUARD_TOKEN_FILE: re-read during an approval wait. */
  tokenFile?: string;
}>;

/** How long the shim waits for an approval before it gives up (DESIGN §4); AWS_GUARD_APPROVAL_WAIT overrides. */
export const DEFAULT_APPROVAL_WAIT_MS = 5 * 60_000;

const HOW = 'set AWS_GUARD_URL (e.g. ws://127.0.0.1:8750) and AWS_GUARD_TOKEN or AWS_GUARD_TOKEN_FILE (a token from `aws-guard token issue`)';

/** Accepts ws(s):// or http(s):// with or without the agent path; returns the agent WebSocket URL. */
export const agentUrl = (raw: string): Result<string, 'SHIM_CONFIG'> => {
  const url = channelUrl(raw, AGENT_PATH, 'AWS_GUARD_URL', true);
  return url.ok ? url : fail('SHIM_CONFIG', url.issue.message);
};

export const readShimConfig = (env: Readonly<Record<string, string | undefined>>): Result<ShimConfig, 'SHIM_CONFIG'> => {
  const rawUrl = env['AWS_GUARD_URL'];
  if (rawUrl === undefined || rawUrl === '') return fail('SHIM_CONFIG', `AWS_GUARD_URL is not set: ${HOW}`);
  const url = agentUrl(rawUrl);
  if (!url.ok) return url;
  let token = env['AWS_GUARD_TOKEN'];
  const file = env['AWS_GUARD_TOKEN_FILE'];
  const fromFile = (token === undefined || token === '') && file !== undefined && file !== '';
  if (fromFile) {
    try {
      token = readFileSync(file, 'utf8').trim();
    } catch (e) {
      return fail('SHIM_CONFIG', `cannot read AWS_GUARD_TOKEN_FILE ${file} (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  }
  if (token === undefined || token === '') return fail('SHIM_CONFIG', `no token: ${HOW}`);
  const wait = env['AWS_GUARD_APPROVAL_WAIT'];
  const approvalWait = wait === undefined || wait === '' ? ok(DEFAULT_APPROVAL_WAIT_MS) : parseDuration(wait);
  if (!approvalWait.ok) return fail('SHIM_CONFIG', `AWS_GUARD_APPROVAL_WAIT: ${approvalWait.issue.message}`);
  return ok({ url: url.value, token: token.trim(), approvalWaitMs: approvalWait.value, ...(fromFile ? { tokenFile: file } : {}) });
};
