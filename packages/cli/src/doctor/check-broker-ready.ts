// Whether the broker in AWS_GUARD_URL answers GET /readyz, and what it says is not ready.
import { check, type DoctorCheck } from './doctor-check.js';

const NAME = 'broker';
const HTTP: Readonly<Record<string, string>> = { 'ws:': 'http:', 'wss:': 'https:', 'http:': 'http:', 'https:': 'https:' };

/** ws(s)://host:port/anything → http(s)://host:port/readyz (the broker serves it at the root). */
export const readyzUrl = (raw: string): string | undefined => {
  try {
    const url = new URL(raw);
    const scheme = HTTP[url.protocol];
    if (scheme === undefined) return undefined;
    return `${scheme}//${url.host}/readyz`;
  } catch {
    return undefined;
  }
};

export const checkBrokerReady = async (raw: string, timeoutMs = 5000): Promise<DoctorCheck> => {
  const url = readyzUrl(raw);
  if (url === undefined) return check(NAME, 'FAIL', 'AWS_GUARD_URL is not a ws://, wss://, http:// or https:// URL');
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  } catch (e) {
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    return check(NAME, 'FAIL', `${url}: unreachable (${cause?.code ?? cause?.message ?? (e as Error).message})`);
  }
  const body = await response.text().catch(() => '');
  let checks = '';
  try {
    const parsed = JSON.parse(body) as { checks?: Record<string, unknown> };
    if (parsed.checks) checks = Object.entries(parsed.checks).map(([k, v]) => `${k}: ${String(v)}`).join(', ');
  } catch {
    checks = `HTTP ${response.status}`;
  }
  if (response.ok) return check(NAME, 'OK', `${url} is ready${checks ? ` (${checks})` : ''}`);
  return check(NAME, 'FAIL', `${url} is not ready: ${checks || `HTTP ${response.status}`}`);
};
