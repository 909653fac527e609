import t from 'tap';
import { formatDuration, parseDuration } from '@aws-guard/shared/duration';

const valid: Array<[string, number]> = [
  ['500ms', 500],
  ['1s', 1000],
  ['90s', 90_000],
  ['15m', 15 * 60_000],
  ['8h', 8 * 3_600_000],
  ['2d', 2 * 86_400_000],
  ['1ms', 1],
  ['007s', 7000],
  ['  30s  ', 30_000],
  ['\t5m\n', 300_000],
];

t.test('durations as operators write them parse to milliseconds', async (t) => {
  for (const [text, ms] of valid) t.same(parseDuration(text), { ok: true, value: ms }, JSON.stringify(text));
});

const invalid: string[] = ['', '   ', '5', 'm', '0s', '0ms', '00m', '-5m', '+5m', '1.5h', '1,5h', '5 m', '5M', '5S', '5min', '5sec', '1h30m', 'h1', '5mss', 'Infinity', '0x10s', '１s'];

t.test('anything else is INVALID_DURATION with the text quoted', async (t) => {
  for (const text of invalid) {
    const r = parseDuration(text);
    t.equal(r.ok, false, JSON.stringify(text));
    if (!r.ok) {
      t.equal(r.issue.code, 'INVALID_DURATION');
      t.ok(r.issue.message.includes(`"${text}"`), `${JSON.stringify(text)}: message quotes it`);
    }
  }
});

t.test('a duration too large to be exact in milliseconds is refused', async (t) => {
  const r = parseDuration('999999999999999d');
  t.equal(r.ok, false);
  if (!r.ok) t.notMatch(r.issue.message, /greater than zero/, 'the message does not blame a zero');
});

const formats: Array<[number, string]> = [
  [1, '1ms'],
  [500, '500ms'],
  [1000, '1s'],
  [1500, '1500ms'],
  [90_000, '90s'],
  [60_000, '1m'],
  [15 * 60_000, '15m'],
  [90 * 60_000, '90m'],
  [3_600_000, '1h'],
  [36 * 3_600_000, '36h'],
  [86_400_000, '1d'],
  [7 * 86_400_000, '7d'],
];

t.test('formatDuration picks the largest unit that divides the value exactly', async (t) => {
  for (const [ms, text] of formats) t.equal(formatDuration(ms), text, String(ms));
});

t.test('format then parse gives back the same milliseconds', async (t) => {
  for (const ms of [1, 999, 1000, 61_000, 3_599_000, 3_600_000, 86_399_999, 86_400_000 * 400]) {
    t.same(parseDuration(formatDuration(ms)), { ok: true, value: ms }, String(ms));
  }
});
