import t from 'tap';
import { createRejectionLimiter, MAX_SUMMARY_REMOTES } from '@aws-guard/broker/server/rejection-limiter';

const clockAt = (start = Date.parse('2026-11-26T12:00:00.000Z')) => {
  let now = start;
  return { clock: () => new Date(now), advance: (ms: number) => void (now += ms) };
};

t.test('a burst, then the rate; the rest are counted by reason and remote', async (t) => {
  const { clock, advance } = clockAt();
  const limiter = createRejectionLimiter({ burst: 3, perSecond: 2, summaryEveryMs: 5000 }, clock);
  const first = Array.from({ length: 10 }, (_, i) => limiter.admit(i % 2 === 0 ? 'expired' : 'malformed', '10.0.0.1'));
  t.same(first, [true, true, true, false, false, false, false, false, false, false], 'three at once');
  advance(500);
  t.same([limiter.admit('expired', '10.0.0.2'), limiter.admit('expired', '10.0.0.2')], [true, false], 'one more after half a second at 2/s');
  advance(60_000);
  t.same(Array.from({ length: 4 }, () => limiter.admit('missing', '10.0.0.3')), [true, true, true, false], 'refilled to the burst, never beyond');
  const summary = limiter.takeSummary();
  t.same(summary, {
    suppressed: 9,
    reasons: { malformed: 4, expired: 4, missing: 1 },
    remotes: { '10.0.0.1': 7, '10.0.0.2': 1, '10.0.0.3': 1 },
    remotesOmitted: 0,
    firstAt: '2026-11-26T12:00:00.000Z',
    lastAt: '2026-11-26T12:01:00.500Z',
  });
  t.equal(limiter.takeSummary(), null, 'taken: nothing left to count');
});

t.test('the remotes counted are bounded', async (t) => {
  const limiter = createRejectionLimiter({ burst: 0, perSecond: 0, summaryEveryMs: 5000 }, clockAt().clock);
  for (let i = 0; i < 100; i++) t.equal(limiter.admit('malformed', `10.0.${i}.1`), false);
  const summary = limiter.takeSummary();
  t.equal(Object.keys(summary?.remotes ?? {}).length, MAX_SUMMARY_REMOTES);
  t.equal(summary?.remotesOmitted, 100 - MAX_SUMMARY_REMOTES);
  t.equal(summary?.suppressed, 100);
});
