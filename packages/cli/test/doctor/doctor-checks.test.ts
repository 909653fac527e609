import t from 'tap';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { issueToken } from '@aws-guard/broker/auth/issue-token';
import { loadOrCreateTokenKeys } from '@aws-guard/broker/auth/token-keys';
import type { Role } from '@aws-guard/broker/auth/identity';
import { checkAgentToken } from '../../src/doctor/check-agent-token.js';
import { readyzUrl } from '../../src/doctor/check-broker-ready.js';
import { doctorExitCode, formatDoctorJson, formatDoctorText } from '../../src/doctor/format-doctor-report.js';
import { check } from '../../src/doctor/doctor-check.js';

const NOW = new Date('2030-01-02T03:04:05Z');
const keys = await loadOrCreateTokenKeys(t.testdir());
const mint = async (role: Role, ttlMs: number, now = NOW) => (await issueToken(keys, { agent: 'claude', human: 'alice', role, ttlMs, now })).token;

t.test('the agent token is described by its claims and never printed', async (t) => {
  const good = await mint('agent', 8 * 3_600_000);
  const dir = t.testdir({ 'token': `${good}\n` });
  // [what, env, status, reason]
  const cases: Array<[string, Record<string, string>, string, RegExp]> = [
    ['a valid agent token', { AWS_GUARD_TOKEN: good }, 'OK', /^agent claude for alice, role agent, expires in 8h00m/],
    ['the same from a file', { AWS_GUARD_TOKEN_FILE: join(dir, 'token') }, 'OK', /^agent claude for alice/],
    ['no token on a broker host', {}, 'WARN', /only the shim needs one/],
    ['no token where the shim runs', { AWS_GUARD_URL: 'ws://127.0.0.1:8750' }, 'FAIL', /AWS_GUARD_URL is set but there is no token/],
    ['an unreadable token file', { AWS_GUARD_TOKEN_FILE: join(dir, 'missing') }, 'FAIL', /cannot read AWS_GUARD_TOKEN_FILE .*missing \(ENOENT\)/],
    ['not a JWT', { AWS_GUARD_TOKEN: 'hunter2' }, 'FAIL', /AWS_GUARD_TOKEN is not a JWT/],
    ['a JWT with a payload that is not JSON', { AWS_GUARD_TOKEN: 'a.b.c' }, 'FAIL', /is not a JWT/],
    ['an expired token', { AWS_GUARD_TOKEN: await mint('agent', 60_000, new Date(NOW.getTime() - 3_600_000)) }, 'FAIL', /expired at 2030-01-02T02:05:05\.000Z; issue a new one/],
    ['an approver token', { AWS_GUARD_TOKEN: await mint('approver', 3_600_000) }, 'FAIL', /role approver: the shim needs a token with role agent/],
  ];
  for (const [what, env, status, reason] of cases) {
    const got = checkAgentToken(env, NOW);
    t.equal(got.status, status, `${what}: ${got.reason}`);
    t.match(got.reason, reason, what);
    const token = env['AWS_GUARD_TOKEN'];
    if (token !== undefined && token.length > 10) t.notMatch(got.reason, token.split('.')[2]!, `${what}: the token is not in the reason`);
  }
});

t.test('the readiness URL is the broker origin whatever path or scheme AWS_GUARD_URL has', async (t) => {
  const cases: Array<[string, string | undefined]> = [
    ['ws://127.0.0.1:8750', 'http://127.0.0.1:8750/readyz'],
    ['wss://guard.example.com/v1/agent', 'https://guard.example.com/readyz'],
    ['http://[::1]:8750/', 'http://[::1]:8750/readyz'],
    ['https://user:pw@guard.example.com', 'https://guard.example.com/readyz'],
    ['ftp://guard', undefined],
    ['not a url', undefined],
  ];
  for (const [raw, url] of cases) t.equal(readyzUrl(raw), url, raw);
});

t.test('the report: aligned text with a summary, or one JSON object; exit 1 only on FAIL', async (t) => {
  const checks = [check('aws cli', 'OK', '/usr/bin/aws (aws-cli/2.9.19)'), check('isolation', 'WARN', 'none (bwrap not found on PATH)'), check('redis', 'FAIL', 'unreachable:\n  ECONNREFUSED')];
  t.equal(formatDoctorText(checks), [
    'OK    aws cli    /usr/bin/aws (aws-cli/2.9.19)',
    'WARN  isolation  none (bwrap not found on PATH)',
    'FAIL  redis      unreachable:; ECONNREFUSED',
    '1 failed, 1 warning',
    '',
  ].join('\n'));
  t.same(JSON.parse(formatDoctorJson(checks)), { ok: false, checks: checks.map((c) => ({ ...c })) });
  t.equal(doctorExitCode(checks), 1);
  t.equal(doctorExitCode(checks.slice(0, 2)), 0, 'warnings alone pass');
  t.match(formatDoctorText(checks.slice(0, 1)), /\nall checks passed\n$/);
});

t.test('a token file is re-read, so a rotated token is what is checked', async (t) => {
  const dir = t.testdir({});
  const file = join(dir, 'token');
  writeFileSync(file, await mint('approver', 3_600_000));
  t.equal(checkAgentToken({ AWS_GUARD_TOKEN_FILE: file }, NOW).status, 'FAIL');
  writeFileSync(file, await mint('agent', 3_600_000));
  t.equal(checkAgentToken({ AWS_GUARD_TOKEN_FILE: file }, NOW).status, 'OK');
});
