// Waits for a held request to be decided, from any broker sharing the store, until the agent goes away.
// Resolves with what happened; never throws for the expected ends.
import type { ApprovalRequest } from '@aws-guard/shared/approval/approval-request';
import type { ApprovalStore } from '../approval/approval-store.js';

export type ApprovalWait =
  | Readonly<{ kind: 'approved' | 'denied' | 'expired' | 'cancelled' | 'executed'; request: ApprovalRequest }>
  | Readonly<{ kind: 'abandoned' }>
  | Readonly<{ kind: 'unavailable'; reason: string }>;

const TERMINAL = new Set(['approved', 'denied', 'expired', 'cancelled', 'executed']);

export const awaitApproval = (store: ApprovalStore, id: string, expiresAt: Date, signal: AbortSignal): Promise<ApprovalWait> =>
  new Promise((resolve) => {
    let done = false;
    const finish = (wait: ApprovalWait) => {
      if (done) return;
      done = true;
      unsubscribe();
      clearTimeout(expiry);
      signal.removeEventListener('abort', onAbort);
      resolve(wait);
    };
    const consider = (request: ApprovalRequest) => {
      if (request.id === id && TERMINAL.has(request.state)) finish({ kind: request.state as Exclude<ApprovalWait['kind'], 'abandoned' | 'unavailable'>, request });
    };
    const check = () =>
      void store.get(id).then((r) => (r.ok ? consider(r.value) : finish({ kind: 'unavailable', reason: r.issue.message })));
    const unsubscribe = store.subscribe((event) => consider(event.request));
    const onAbort = () => finish({ kind: 'abandoned' });
    signal.addEventListener('abort', onAbort, { once: true });
    // The store expires lazily on read: look again when the request is due to expire.
    const expiry = setTimeout(check, Math.max(0, expiresAt.getTime() - Date.now()) + 50);
    expiry.unref();
    if (signal.aborted) onAbort();
    // A decision may have landed between the request and the subscription.
    else check();
  });
