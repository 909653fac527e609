// The local listeners of one store instance. Each listener runs in its own microtask: a slow or throwing
// listener cannot delay, reorder or undo the transition that produced the event, nor starve the others.
import type { ApprovalEvent, ApprovalListener } from './approval-store.js';

export type ApprovalListeners = Readonly<{
  add: (listener: ApprovalListener) => () => void;
  notify: (event: ApprovalEvent) => void;
  clear: () => void;
}>;

export const createApprovalListeners = (): ApprovalListeners => {
  const listeners = new Set<ApprovalListener>();
  return {
    add: (listener) => {
      // A wrapper per subscription, so the same function subscribed twice is unsubscribed one at a time.
      const entry: ApprovalListener = (event) => listener(event);
      listeners.add(entry);
      return () => void listeners.delete(entry);
    },
    notify: (event) => {
      for (const listener of listeners) queueMicrotask(() => {
        if (listeners.has(listener)) listener(event);
      });
    },
    clear: () => listeners.clear(),
  };
};
