// `aws-guard doctor --token`: how the configured broker would map a token, or exactly why it would refuse it.
import t from 'tap';
import { Readable, Writable } from 'node:stream';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { issueToken } from '@aws-guard/broker/auth/issue-token';
import { loadOrCreateTokenKeys } from '@aws-guard/broker/auth/token-keys';
import { loadBrokerConfig } from '@aws-guard/broker/config/load-config';
import { checkTokenMapping } from '../../src/doctor/check-token-mapping.js';
import { checkAgentToken } from '../../src/doctor/check-agent-token.js';
import { runDoctor } from '../../src/commands/doctor-run.js';
import { makeKey, signWith } from '../../../broker/test/auth/jwks-server.js';

const ISS = 'https://token.actions.githubusercontent.com';
const NOW = new Date('2030-01-02T03:04:05Z');
const sec = Math.floor(NOW.getTime() / 1000);
const key = await makeKey('gh-1');
const dir = t.testdir({
  'jwks.json': JSON.stringify({ keys: [key.publicJwk] }),
  'aws-guard.yaml': `dataDir: data
policy: policy.yaml
issuers:
  - name: github
    issuer: ${ISS}
    jwksFile: jwks.json
    audience: aws-guard
    claims: { agent: sub, human: actor, groups: [repository, repository_owner] }
`,
  'policy.yaml': `version: 1
rules:
  - { id: acme-deploys, effect: allow, actions: ['s3:*'], issuers: [github], groups: ['github/acme/*'] }
  - { id: other-team, effect: deny, actions: ['iam:*'], groups: ['github/other/*'] }
  - { id: no-iam-deletes, effect: deny, actions: ['iam:Delete*'] }
credentials:
  - { id: gha, issuers: [github], roleArn: 'arn:aws:iam::111111111111:role/gha' }
`,
});
const loaded = loadBrokerConfig({ flags: {}, env: {}, configFile: 'aws-guard.yaml', cwd: dir });
if (!loaded.ok) throw new Error(loaded.issue.message);
const config = loaded.value;
const gh = (extra: Record<string, unknown> = {}) => signWith(key, { iss: ISS, aud: 'aws-guard', sub: 'repo:acme/app:ref:refs/heads/main', actor: 'octocat', repository: 'acme/app', repository_owner: 'acme', jti: 'run-1', iat: sec, exp: sec + 600, ...extra });

t.test('an accepted token is shown with issuer, identity, groups, role and the rules that name it', async (t) => {
  const lines = await checkTokenMapping(config, await gh(), NOW);
  t.same(lines.map((l) => [l.name, l.status]), [['token', 'OK'], ['token identity', 'OK'], ['token rules', 'OK']]);
  t.match(lines[0]!.reason, `accepted: issuer github (${ISS}), subject repo:acme/app:ref:refs/heads/main, key gh-1`);
  t.match(lines[1]!.reason, 'agent github/repo:acme/app:ref:refs/heads/main acting for github/octocat; role agent: runs commands (agent channel); groups github/acme/app, github/acme');
  t.match(lines[2]!.reason, /rules naming this caller: acme-deploys \(allow\); rules for every caller: no-iam-deletes \(deny\); masking: none; credentials: gha/);
});

t.test('a refused token says exactly why, with the code and audited reason', async (t) => {
  const table: [string, Promise<string> | string, RegExp][] = [
    ['another audience', gh({ aud: 'sts.amazonaws.com' }), /audience must be aws-guard \(AUTH_TOKEN_CLAIMS, audited as reason wrong-audience\)/],
    ['expired', gh({ exp: sec - 3600 }), /has expired.*\(AUTH_TOKEN_EXPIRED, audited as reason expired\)/],
    ['an untrusted issuer', gh({ iss: 'https://gitlab.example' }), /is not one this broker trusts \(AUTH_TOKEN_CLAIMS, audited as reason wrong-issuer\)/],
    ['no actor', gh({ actor: undefined }), /no actor claim.*\(AUTH_CLAIM_MISSING, audited as reason missing-claim\)/],
    ['a day and a second (issuer default 24h)', gh({ exp: sec + 86_401 }), /lives 1d1s, longer than the 1d this broker accepts.*\(AUTH_TOKEN_LIFETIME, audited as reason lifetime-too-long\)/],
    ['not a JWT', 'hunter2', /AUTH_TOKEN_MALFORMED/],
  ];
  for (const [what, token, reason] of table) {
    const [line, ...rest] = await checkTokenMapping(config, await token, NOW);
    t.equal(line!.status, 'FAIL', what);
    t.match(line!.reason, reason, what);
    t.equal(rest.length, 0);
  }
});

t.test('an accepted token shows its lifetime against the maximum that applies to it', async (t) => {
  const keys = await loadOrCreateTokenKeys(join(dir, 'data'));
  const table: [string, Promise<string>, RegExp][] = [
    ['a GitHub token of 10m, issuer default 24h', gh(), /; lifetime 10m of at most 1d;/],
    ['a GitHub token without iat, 5m left', gh({ iat: undefined, exp: sec + 300 }), /; lifetime 5m left \(no iat\) of at most 1d;/],
    ['a broker token of 8h, default 30d', issueToken(keys, { agent: 'a', human: 'h', role: 'agent', ttlMs: 8 * 3_600_000, now: NOW }).then((i) => i.token), /; lifetime 8h of at most 30d;/],
  ];
  for (const [what, token, lifetime] of table) t.match((await checkTokenMapping(config, await token, NOW))[0]!.reason, lifetime, what);
});

t.test('a broker-issued token maps through the data dir key', async (t) => {
  const keys = await loadOrCreateTokenKeys(join(dir, 'data'));
  const { token } = await issueToken(keys, { agent: 'claude', human: 'alice', role: 'approver', groups: ['sre'], ttlMs: 3_600_000, now: NOW });
  const lines = await checkTokenMapping(config, token, NOW);
  t.match(lines[0]!.reason, /^accepted: issuer aws-guard \(a broker-issued token\)/);
  t.match(lines[1]!.reason, /agent claude acting for alice; role approver: approves \(approver channel\); groups sre/);
  t.match(lines[2]!.reason, /rules naming this caller: none; rules for every caller: no-iam-deletes \(deny\).*credentials: the broker's configured mode/);
});

t.test('doctor --token - reads stdin and prints the mapping, never the token', async (t) => {
  const token = await gh();
  let out = '';
  const stdout = new Writable({ write: (c, _e, done) => ((out += String(c)), done()) });
  const code = await runDoctor({ config: 'aws-guard.yaml', token: '-', json: true }, { env: { PATH: process.env['PATH'] }, stdout, stderr: stdout, cwd: dir, now: () => NOW, stdin: Readable.from([`${token}\n`]) });
  const report = JSON.parse(out) as { checks: { name: string; status: string; reason: string }[] };
  t.match(report.checks.find((c) => c.name === 'token identity'), { status: 'OK', reason: /github\/octocat/ });
  t.notOk(out.includes(token.split('.')[2]!), 'no signature in the report');
  t.type(code, 'number');
});

t.test('the agent token check recognises a token from an external issuer', async (t) => {
  writeFileSync(join(dir, 'token'), await gh());
  const got = checkAgentToken({ AWS_GUARD_TOKEN_FILE: join(dir, 'token') }, NOW);
  t.equal(got.status, 'OK');
  t.match(got.reason, `a token from ${ISS} for subject repo:acme/app:ref:refs/heads/main, expires in 10m`);
});
