// A scripted approver client: the test pushes snapshots and errors, and sees every decision the UI sends.
import type { ApprovalRequest } from '@aws-guard/shared/approval/approval-request';
import type { ApproverClient, DecisionResult } from '../../src/tui/approver-client.js';

export type SentDecision = Readonly<{ kind: 'approve' | 'deny'; id: string; reason: string | undefined }>;

export type FakeApproverClient = ApproverClient & {
  sent: SentDecision[];
  push: (requests: readonly ApprovalRequest[]) => void;
  fail: (message: string) => void;
  /** What the next decisions resolve to (default ok); a function may throw to simulate a dropped call. */
  answer: () => Promise<DecisionResult>;
  subscribers: () => number;
};

export const createFakeApproverClient = (): FakeApproverClient => {
  const listeners = new Set<{ onSnapshot: (r: readonly ApprovalRequest[]) => void; onError: (m: string) => void }>();
  const client: FakeApproverClient = {
    sent: [],
    answer: async () => ({ ok: true }),
    subscribe(onSnapshot, onError) {
      const entry = { onSnapshot, onError };
      listeners.add(entry);
      return () => listeners.delete(entry);
    },
    approve(id, reason) {
      client.sent.push({ kind: 'approve', id, reason });
      return client.answer();
    },
    deny(id, reason) {
      client.sent.push({ kind: 'deny', id, reason });
      return client.answer();
    },
    push: (requests) => listeners.forEach((l) => l.onSnapshot(requests)),
    fail: (message) => listeners.forEach((l) => l.onError(message)),
    subscribers: () => listeners.size,
  };
  return client;
};
