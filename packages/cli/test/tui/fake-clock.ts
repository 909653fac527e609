// A clock the test moves by hand: `advance` changes `now` and fires the tick, as a second passing would.
import type { Clock } from '../../src/tui/use-clock.js';

export type FakeClock = Clock & { advance: (ms: number) => void };

export const createFakeClock = (start: Date): FakeClock => {
  let now = start.getTime();
  const listeners = new Set<() => void>();
  return {
    now: () => new Date(now),
    onTick: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    advance: (ms) => {
      now += ms;
      listeners.forEach((l) => l());
    },
  };
};
