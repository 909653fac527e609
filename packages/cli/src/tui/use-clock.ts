// The UI's only source of time: an injected `now` and a tick that re-reads it, so countdowns move once a
// second in a terminal and exactly when a test says so.
import { useEffect, useState } from 'react';

export type Clock = Readonly<{
  now: () => Date;
  /** Calls the listener on every tick; returns the function that stops it. */
  onTick: (listener: () => void) => () => void;
}>;

export const createTickingClock = (now: () => Date = () => new Date(), everyMs = 1000): Clock => ({
  now,
  onTick: (listener) => {
    const timer = setInterval(listener, everyMs);
    return () => clearInterval(timer);
  },
});

export const useNow = (clock: Clock): Date => {
  const [now, setNow] = useState(() => clock.now());
  useEffect(() => clock.onTick(() => setNow(clock.now())), [clock]);
  return now;
};
