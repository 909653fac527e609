// Whether the agent token the shim would send is there and looks like an aws-guard agent token. It is decoded,
// not verified (only the broker holds the key), and never printed: only its claims are described.
import { readFileSync } from 'node:fs';
import { check, type DoctorCheck } from './doctor-check.js';

const NAME = 'agent token';

const describeLeft = (ms: number): string => {
  const minutes = Math.floor(ms / 60_000);
  return minutes < 60 ? `${minutes}m` : `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
};

const claimsOf = (token: string): Record<string, unknown> | undefined => {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts.every((p) => /^[A-Za-z0-9_-]+$/.test(p))) return undefined;
  try {
    const claims: unknown = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8'));
    return claims !== null && typeof claims === 'object' && !Array.isArray(claims) ? (claims as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
};

export const checkAgentToken = (env: Readonly<Record<string, string | undefined>>, now: Date): DoctorCheck => {
  const inline = env['AWS_GUARD_TOKEN'];
  const file = env['AWS_GUARD_TOKEN_FILE'];
  let token = inline;
  let where = 'AWS_GUARD_TOKEN';
  if ((token === undefined || token === '') && file !== undefined && file !== '') {
    where = `AWS_GUARD_TOKEN_FILE ${file}`;
    try {
      token = readFileSync(file, 'utf8').trim();
    } catch (e) {
      return check(NAME, 'FAIL', `cannot read ${where} (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  }
  if (token === undefined || token === '') {
    // Only where the shim runs is a token needed; with AWS_GUARD_URL set, this is that place.
    return env['AWS_GUARD_URL']
      ? check(NAME, 'FAIL', 'AWS_GUARD_URL is set but there is no token: set AWS_GUARD_TOKEN or AWS_GUARD_TOKEN_FILE')
      : check(NAME, 'WARN', 'no AWS_GUARD_TOKEN or AWS_GUARD_TOKEN_FILE here (only the shim needs one)');
  }
  const claims = claimsOf(token.trim());
  if (claims === undefined) return check(NAME, 'FAIL', `${where} is not a JWT (three base64url parts, a JSON payload)`);
  const { sub, human, role, exp, iss } = claims;
  // A token from the organisation's own issuer (docs/identity.md): only the broker's config says how it maps.
  if (typeof iss === 'string' && iss !== 'aws-guard') {
    if (typeof exp !== 'number') return check(NAME, 'FAIL', `${where}: a token from ${iss} without exp, which the broker refuses`);
    const left = exp * 1000 - now.getTime();
    if (left <= 0) return check(NAME, 'FAIL', `a token from ${iss}: expired at ${new Date(exp * 1000).toISOString()}${file !== undefined && where !== 'AWS_GUARD_TOKEN' ? ' (the issuer should rewrite the file)' : ''}`);
    return check(NAME, 'OK', `a token from ${iss} for subject ${String(sub ?? '?')}, expires in ${describeLeft(left)}: \`aws-guard doctor --config … --token ${where === 'AWS_GUARD_TOKEN' ? '-' : file}\` shows how the broker maps it`);
  }
  if (typeof sub !== 'string' || typeof exp !== 'number') return check(NAME, 'FAIL', `${where} lacks the claims of an aws-guard token (sub, exp)`);
  const who = `agent ${sub}${typeof human === 'string' ? ` for ${human}` : ''}, role ${String(role ?? '?')}`;
  const left = exp * 1000 - now.getTime();
  if (left <= 0) return check(NAME, 'FAIL', `${who}: expired at ${new Date(exp * 1000).toISOString()}; issue a new one with \`aws-guard token issue\``);
  if (role !== 'agent') return check(NAME, 'FAIL', `${who}: the shim needs a token with role agent`);
  return check(NAME, 'OK', `${who}, expires in ${describeLeft(left)} (signature checked only by the broker)`);
};
