// What the approve terminal UI needs from the approver WebSocket client (built beside the broker side).
// A type only: the UI never opens a connection itself, so tests drive it with a plain object.
import type { ApprovalRequest } from '@aws-guard/shared/approval/approval-request';

/** A decision the broker refused (separation of duties, already decided, expired…) is a value, not a throw. */
export type DecisionResult = { ok: true } | { ok: false; message: string };

export type ApproverClient = Readonly<{
  /**
   * Calls `onSnapshot` with the whole current list on every change (new, decided elsewhere, expired), and
   * `onError` when the broker or the connection fails. Returns the unsubscribe function.
   */
  subscribe(onSnapshot: (requests: readonly ApprovalRequest[]) => void, onError: (message: string) => void): () => void;
  approve(id: string, reason?: string): Promise<DecisionResult>;
  deny(id: string, reason: string): Promise<DecisionResult>;
}>;
