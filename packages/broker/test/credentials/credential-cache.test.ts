import t from 'tap';
import { fail, ok } from '@aws-guard/shared/result';
import { createCredentialCache } from '@aws-guard/broker/credentials/credential-cache';

const MIN = 60_000;
const clockAt = (start = Date.UTC(2030, 0, 1)) => {
  let ms = start;
  return { now: () => new Date(ms), advance: (by: number) => (ms += by) };
};

/** A mint that counts its calls and returns values valid for `lifeMs` from the clock's now. */
const minter = (clock: ReturnType<typeof clockAt>, lifeMs: number) => {
  let calls = 0;
  return {
    calls: () => calls,
    mint: async () => ok({ id: ++calls, expiresAt: new Date(clock.now().getTime() + lifeMs) }),
  };
};

t.test('a value is reused while it still covers the command, and refreshed once it would not', async (t) => {
  const clock = clockAt();
  const cache = createCredentialCache<{ id: number; expiresAt: Date }>(clock.now);
  const m = minter(clock, 60 * MIN);
  const validFor = 16 * MIN; // a 15 min time limit plus a 1 min margin

  const first = await cache.obtain('k', validFor, m.mint);
  t.same(first.ok && [first.value.value.id, first.value.reused], [1, false], 'minted');
  clock.advance(44 * MIN);
  const second = await cache.obtain('k', validFor, m.mint);
  t.same(second.ok && [second.value.value.id, second.value.reused], [1, true], '16 min left: reused');
  clock.advance(1);
  const third = await cache.obtain('k', validFor, m.mint);
  t.same(third.ok && [third.value.value.id, third.value.reused], [2, false], 'shortly before it could not cover a command: refreshed');
  t.equal(m.calls(), 2);
});

t.test('keys do not share values', async (t) => {
  const clock = clockAt();
  const cache = createCredentialCache<{ id: number; expiresAt: Date }>(clock.now);
  const m = minter(clock, 60 * MIN);
  await cache.obtain('alice', MIN, m.mint);
  const bob = await cache.obtain('bob', MIN, m.mint);
  t.same(bob.ok && bob.value.reused, false);
  t.equal(m.calls(), 2);
});

t.test('a burst for one key makes one mint', async (t) => {
  const clock = clockAt();
  const cache = createCredentialCache<{ id: number; expiresAt: Date }>(clock.now);
  const m = minter(clock, 60 * MIN);
  const all = await Promise.all([1, 2, 3, 4].map(() => cache.obtain('k', MIN, m.mint)));
  t.equal(m.calls(), 1);
  t.same(all.map((r) => r.ok && r.value.reused), [false, true, true, true]);
});

t.test('a failure is shared by the burst and never kept', async (t) => {
  const clock = clockAt();
  const cache = createCredentialCache<{ id: number; expiresAt: Date }>(clock.now);
  let calls = 0;
  const failing = async () => {
    calls++;
    return fail('CREDENTIALS_ASSUME_FAILED' as const, 'STS refused');
  };
  const burst = await Promise.all([cache.obtain('k', MIN, failing), cache.obtain('k', MIN, failing)]);
  t.same(burst.map((r) => !r.ok && r.issue.code), ['CREDENTIALS_ASSUME_FAILED', 'CREDENTIALS_ASSUME_FAILED']);
  t.equal(calls, 1, 'one STS call for the burst');
  const m = minter(clock, 60 * MIN);
  const after = await cache.obtain('k', MIN, m.mint);
  t.ok(after.ok && !after.value.reused, 'the next command asks again');
  t.equal(cache.size(), 1);
});

t.test('expired values are dropped, so the cache holds only live secrets', async (t) => {
  const clock = clockAt();
  const cache = createCredentialCache<{ id: number; expiresAt: Date }>(clock.now);
  const m = minter(clock, 15 * MIN);
  await cache.obtain('a', MIN, m.mint);
  await cache.obtain('b', MIN, m.mint);
  t.equal(cache.size(), 2);
  clock.advance(15 * MIN);
  await cache.obtain('c', MIN, m.mint);
  t.equal(cache.size(), 1, 'a and b expired and are gone');
});
