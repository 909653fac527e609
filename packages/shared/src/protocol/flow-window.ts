// Credit-based flow control for one data stream: the sender may have `limit` bytes unacknowledged.
// WebSocket has no receive-side backpressure, so without this a fast CLI would fill a slow agent's memory.

export type FlowWindow = Readonly<{
  /** Records bytes sent; returns true while the sender may go on. */
  sent: (bytes: number) => boolean;
  /** Records bytes the receiver acknowledged; calls the resume callbacks when the window opens again. */
  acked: (bytes: number) => void;
  isOpen: () => boolean;
  /** Resolves once the window is open (at once if it is). */
  whenOpen: () => Promise<void>;
  inFlight: () => number;
}>;

export const createFlowWindow = (limit: number): FlowWindow => {
  let inFlight = 0;
  let waiters: (() => void)[] = [];
  const isOpen = () => inFlight < limit;
  return Object.freeze({
    sent: (bytes: number) => {
      inFlight += bytes;
      return isOpen();
    },
    acked: (bytes: number) => {
      inFlight = Math.max(0, inFlight - bytes);
      if (isOpen() && waiters.length > 0) {
        const ready = waiters;
        waiters = [];
        for (const resume of ready) resume();
      }
    },
    isOpen,
    whenOpen: () => (isOpen() ? Promise.resolve() : new Promise<void>((resolve) => waiters.push(resolve))),
    inFlight: () => inFlight,
  });
};
