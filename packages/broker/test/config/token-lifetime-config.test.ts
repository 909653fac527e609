// auth.maxTokenLifetime and issuers.N.maxTokenLifetime: defaults, layering, the 1m..365d range, every problem
// reported with the others, and a frozen result.
import t, { type Test } from 'tap';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadBrokerConfig } from '@aws-guard/broker/config/load-config';

const JWKS = JSON.stringify({ keys: [{ kty: 'EC', crv: 'P-256', x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU', y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0', kid: 'k1' }] });
const issuer = (extra = '') => `  - { name: ci, issuer: https://ci.test, jwksFile: jwks.json, audience: aws-guard${extra} }\n`;

const load = (t: Test, file: string | undefined, env: Record<string, string> = {}, flags: Record<string, string> = {}) => {
  const cwd = t.testdir({ 'jwks.json': JWKS });
  if (file !== undefined) writeFileSync(join(cwd, 'aws-guard.yaml'), file);
  return loadBrokerConfig({ flags, env, configFile: file === undefined ? undefined : 'aws-guard.yaml', cwd });
};

t.test('the limits resolve from default, file, env and flag; issuers default to 24h', async (t) => {
  const table: [string, string | undefined, Record<string, string>, Record<string, string>, number, string, number | undefined][] = [
    ['nothing given: 30d', undefined, {}, {}, 30 * 86_400_000, 'default', undefined],
    ['the file', 'auth:\n  maxTokenLifetime: 7d\n', {}, {}, 7 * 86_400_000, 'file', undefined],
    ['env over the file', 'auth:\n  maxTokenLifetime: 7d\n', { AWS_GUARD_MAX_TOKEN_LIFETIME: '12h' }, {}, 12 * 3_600_000, 'env', undefined],
    ['a flag over env', undefined, { AWS_GUARD_MAX_TOKEN_LIFETIME: '12h' }, { 'auth.maxTokenLifetime': '1m' }, 60_000, 'flag', undefined],
    ['the upper edge, 365d', 'auth: { maxTokenLifetime: 365d }\n', {}, {}, 365 * 86_400_000, 'file', undefined],
    ['an issuer without its own: 24h', `issuers:\n${issuer()}`, {}, {}, 30 * 86_400_000, 'default', 24 * 3_600_000],
    ['an issuer with its own 10m', `issuers:\n${issuer(', maxTokenLifetime: 10m')}`, {}, {}, 30 * 86_400_000, 'default', 600_000],
  ];
  for (const [what, file, env, flags, maxMs, source, issuerMs] of table) {
    const r = load(t, file, env, flags);
    t.ok(r.ok, what);
    if (!r.ok) continue;
    t.equal(r.value.auth.maxTokenLifetimeMs, maxMs, `${what}: the limit`);
    t.equal(r.value.sources['auth.maxTokenLifetime'], source, `${what}: its source`);
    t.equal(r.value.issuers[0]?.maxTokenLifetimeMs, issuerMs, `${what}: the issuer's`);
    t.ok(Object.isFrozen(r.value.auth) && r.value.issuers.every((i) => Object.isFrozen(i)), `${what}: frozen`);
  }
});

t.test('a limit outside 1m..365d, or not a duration, is refused naming the setting', async (t) => {
  const table: [string, string | undefined, Record<string, string>, RegExp][] = [
    ['59s', 'auth: { maxTokenLifetime: 59s }\n', {}, /^auth\.maxTokenLifetime: "59s" must be from 1m to 365d$/],
    ['366d', 'auth: { maxTokenLifetime: 366d }\n', {}, /^auth\.maxTokenLifetime: "366d" must be from 1m to 365d$/],
    ['99999d from env', undefined, { AWS_GUARD_MAX_TOKEN_LIFETIME: '99999d' }, /^auth\.maxTokenLifetime: "99999d" must be from 1m to 365d$/],
    ['not a duration', 'auth: { maxTokenLifetime: forever }\n', {}, /^auth\.maxTokenLifetime: "forever" is not a duration/],
    ['a number', 'auth: { maxTokenLifetime: 3600 }\n', {}, /^auth\.maxTokenLifetime: must be a duration such as 30d or 12h$/],
    ['an unknown auth key', 'auth: { maxTokenTTL: 1h }\n', {}, /^auth: Unrecognized key/],
    ['an issuer over 365d', `issuers:\n${issuer(', maxTokenLifetime: 400d')}`, {}, /^issuers\.0\.maxTokenLifetime: "400d" must be from 1m to 365d$/],
    ['an issuer under 1m', `issuers:\n${issuer(', maxTokenLifetime: 30s')}`, {}, /^issuers\.0\.maxTokenLifetime: "30s" must be from 1m to 365d$/],
    ['an issuer with no unit', `issuers:\n${issuer(', maxTokenLifetime: "600"')}`, {}, /^issuers\.0\.maxTokenLifetime: must be a duration such as 30s or 10m$/],
  ];
  for (const [what, file, env, line] of table) {
    const r = load(t, file, env);
    t.notOk(r.ok, `${what}: refused`);
    if (!r.ok) t.ok((r.issue.details ?? []).some((p) => line.test(p)), `${what}: ${line}\n  got ${(r.issue.details ?? []).join('\n  ')}`);
  }
});

t.test('lifetime problems are reported together with every other problem', async (t) => {
  const r = load(t, `listen: nowhere\nauth: { maxTokenLifetime: 0d }\nissuers:\n${issuer(', maxTokenLifetime: 999d')}`);
  t.notOk(r.ok);
  const details = r.ok ? [] : r.issue.details ?? [];
  for (const prefix of ['listen: ', 'auth.maxTokenLifetime: ', 'issuers.0.maxTokenLifetime: ']) t.ok(details.some((p) => p.startsWith(prefix)), `${prefix}\n  got ${details.join('\n  ')}`);
});
