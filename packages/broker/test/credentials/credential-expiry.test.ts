// Credential expiry and refresh, on an injected clock against a fake STS: a session is handed out again until
// shortly before it could no longer cover a command, then STS is asked again; and whatever is handed out outlives
// the command's time limit, or nothing is (the command does not run).
import t from 'tap';
import { createAssumeRoleCredentials } from '@aws-guard/broker/credentials/assume-role-credentials';
import type { CredentialGrant, CredentialRequest } from '@aws-guard/broker/credentials/credential-source';
import type { Result } from '@aws-guard/shared/result';
import { startFakeSts, type FakeSts } from './fake-sts.js';

const ROLE = 'arn:aws:iam::123456789012:role/aws-guard-agent';
const MIN = 60_000;
const BASE = Object.freeze({ accessKeyId: 'AKIABROKEROWNKEY0001', secretAccessKey: 'BrokerOwnSecret/0123456789+abcdefghijKLMN' });

let ms = Date.UTC(2030, 0, 1);
const clock = () => new Date(ms);
const sts = await startFakeSts({ now: clock });
t.teardown(sts.close);

const source = (over: { durationSeconds?: number; at?: FakeSts } = {}) =>
  createAssumeRoleCredentials({ roleArn: ROLE, region: 'us-east-1', endpoint: (over.at ?? sts).url, base: async () => BASE, clock, maxAttempts: 1, durationSeconds: over.durationSeconds });
const command = (requestId: string, timeoutMs: number): CredentialRequest => ({ requestId, identity: { agent: 'claude', human: 'alice', sessionId: 'ses_1' }, timeoutMs });
/** How long the credentials handed out still live, in ms (the CLI cannot refresh them). */
const lifeOf = (got: Result<CredentialGrant>): number => (got.ok ? Date.parse(got.value.audit.expiresAt!) - ms : NaN);

t.test('a session is reused until shortly before it could not cover a command, then STS is called again', async (t) => {
  const creds = source({ durationSeconds: 3600 });
  const before = sts.calls.length;
  const first = await creds.forCommand(command('req_1', 15 * MIN));
  t.match(first, { ok: true, value: { audit: { reused: false, requestTag: 'req_1' } } });
  t.equal(lifeOf(first), 60 * MIN, 'a one-hour session');

  // Reusable while it has the 15 min limit + the 60 s margin left: for 44 minutes.
  for (const at of [1, 20, 43, 44]) {
    ms = Date.UTC(2030, 0, 1) + at * MIN;
    const again = await creds.forCommand(command(`req_at_${at}`, 15 * MIN));
    t.match(again, { ok: true, value: { audit: { reused: true, requestTag: 'req_1' } } }, `minute ${at}: reused`);
    t.ok(lifeOf(again) >= 16 * MIN, `minute ${at}: still lives ${lifeOf(again) / MIN} min`);
  }
  t.equal(sts.calls.length - before, 1, 'one AssumeRole so far');

  ms += 1; // 1 ms later, less than the limit + margin is left: no longer handed out
  const refreshed = await creds.forCommand(command('req_refresh', 15 * MIN));
  t.match(refreshed, { ok: true, value: { audit: { reused: false, requestTag: 'req_refresh' } } }, 'refreshed shortly before expiry');
  t.equal(sts.calls.length - before, 2, 'STS called again');
  t.not(refreshed.ok && refreshed.value.credentials.accessKeyId, first.ok && first.value.credentials.accessKeyId, 'new keys');
  t.equal(lifeOf(refreshed), 60 * MIN);
});

t.test('a command with a 30 min limit never gets credentials that expire in 10 min', async (t) => {
  ms = Date.UTC(2030, 1, 1);
  const creds = source({ durationSeconds: 3600 });
  const before = sts.calls.length;
  await creds.forCommand(command('req_mint', 15 * MIN));
  ms += 50 * MIN; // the cached session has 10 min left

  const short = await creds.forCommand(command('req_short', 5 * MIN));
  t.match(short, { ok: true, value: { audit: { reused: true } } }, 'a 5 min command still fits in the 10 min left');
  t.equal(lifeOf(short), 10 * MIN);

  const long = await creds.forCommand(command('req_long', 30 * MIN));
  t.match(long, { ok: true, value: { audit: { reused: false, requestTag: 'req_long' } } }, 'the 30 min command gets a new session');
  t.ok(lifeOf(long) >= 31 * MIN, `lives ${lifeOf(long) / MIN} min: the limit and the margin`);
  t.equal(sts.calls.length - before, 2);
});

t.test('without durationSeconds a session is asked for just long enough: the limit plus 60 s', async (t) => {
  const creds = source();
  for (const [limit, asked] of [[MIN, 900], [15 * MIN, 960], [30 * MIN, 1860], [2 * 60 * MIN, 7260]] as const) {
    const got = await creds.forCommand({ ...command(`req_${limit}`, limit), identity: { agent: 'claude', human: 'alice', sessionId: `ses_${limit}` } });
    t.equal(sts.calls.at(-1)?.get('DurationSeconds'), String(asked), `a ${limit / MIN} min limit asks for ${asked} s`);
    t.ok(lifeOf(got) >= limit, 'and outlives the limit');
  }
});

t.test("a role whose MaxSessionDuration cannot cover the limit: STS refuses, nothing runs, the message says what to change", async (t) => {
  const capped = await startFakeSts({ now: clock, maxSessionSeconds: 3600 });
  t.teardown(capped.close);
  const creds = source({ at: capped });
  const got = await creds.forCommand(command('req_2h', 2 * 60 * MIN));
  t.match(got, {
    ok: false,
    issue: {
      code: 'CREDENTIALS_ASSUME_FAILED',
      message: /^STS refused to assume arn:aws:iam::123456789012:role\/aws-guard-agent: ValidationError: The requested DurationSeconds exceeds the MaxSessionDuration set for this role\. \(asked for 7260 s to cover the command's time limit of 2h: raise the role's MaxSessionDuration, or lower the limit or durationSeconds\)$/,
    },
  });
  t.match(await creds.forCommand(command('req_again', 2 * 60 * MIN)), { ok: false }, 'the failure is not cached: asked again, refused again');
  t.equal(capped.calls.length, 2);
  t.match(await creds.forCommand(command('req_50m', 50 * MIN)), { ok: true }, 'a limit the role can cover works');
});

t.test('a limit no STS session can cover (over 12 h with the margin) fails before STS is asked', async (t) => {
  const before = sts.calls.length;
  const got = await source().forCommand(command('req_12h', 12 * 60 * MIN));
  t.match(got, { ok: false, issue: { code: 'CREDENTIALS_TOO_SHORT', message: /time limit of 12h is longer than a session of .* can last \(STS: at most 12h, less the broker's 60 s margin\)/ } });
  t.equal(sts.calls.length, before);
  t.match(await source().forCommand(command('req_11h', 11 * 60 * MIN)), { ok: true }, '11 h fits');
});

t.test('STS answering with a shorter session than asked for: the keys are not handed out', async (t) => {
  const stingy = await startFakeSts({ now: clock, answerSeconds: 600 });
  t.teardown(stingy.close);
  const got = await source({ at: stingy }).forCommand(command('req_30m', 30 * MIN));
  t.equal(stingy.calls[0]?.get('DurationSeconds'), '1860');
  t.match(got, { ok: false, issue: { code: 'CREDENTIALS_TOO_SHORT', message: /expires at .*, before the command's time limit of 30m would end/ } });
});
