import t from 'tap';
import { MIN_PROTOCOL_VERSION, PROTOCOL_VERSION, negotiateVersion } from '@aws-guard/shared/protocol/version';

t.test('the supported range is sane', async (t) => {
  t.ok(Number.isInteger(PROTOCOL_VERSION) && PROTOCOL_VERSION >= 1);
  t.ok(Number.isInteger(MIN_PROTOCOL_VERSION) && MIN_PROTOCOL_VERSION >= 1 && MIN_PROTOCOL_VERSION <= PROTOCOL_VERSION);
});

const P = PROTOCOL_VERSION;
const M = MIN_PROTOCOL_VERSION;
const ranges: Array<[string, number, number, number | null]> = [
  ['a client speaking exactly our range gets our current version', M, P, P],
  ['a client speaking only our current version gets it', P, P, P],
  ['a client speaking only our minimum gets it', M, M, M],
  ['a newer client whose range reaches down to ours gets our current version', M, P + 5, P],
  ['a client reaching from below our minimum up to ours gets our current version', 1, P, P],
  ['a client entirely newer than us gets nothing', P + 1, P + 3, null],
  ['a client entirely older than our minimum gets nothing', M - 1, M - 1, null],
  ['an empty range (min > max) gets nothing', P, P - 1, null],
  ['an inverted range around our version gets nothing', P + 1, M, null],
];

t.test('negotiateVersion picks the highest version both sides speak, or null', async (t) => {
  for (const [name, min, max, expected] of ranges) t.equal(negotiateVersion(min, max), expected, name);
});

t.test('the negotiated version always lies within both ranges', async (t) => {
  for (let min = 0; min <= P + 2; min++)
    for (let max = 0; max <= P + 2; max++) {
      const v = negotiateVersion(min, max);
      const overlap = Math.max(min, M) <= Math.min(max, P);
      t.equal(v !== null, overlap, `[${min}, ${max}] overlaps: ${overlap}`);
      if (v !== null) t.ok(v >= min && v <= max && v >= M && v <= P, `[${min}, ${max}] → ${v}`);
    }
});
