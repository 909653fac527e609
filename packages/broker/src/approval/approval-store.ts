// The contract every approval store keeps (embedded and Redis pass one shared suite): the operations, their
// inputs and the stable codes of their expected failures. No implementation lives here.
import type { ApprovalRequest, ApprovalState } from '@aws-guard/shared/approval/approval-request';
import type { Result } from '@aws-guard/shared/result';

export type ApprovalStoreCode =
  | 'APPROVAL_NOT_FOUND'
  /** The request was decided, cancelled or executed already. */
  | 'APPROVAL_NOT_PENDING'
  /** Pending past `expiresAt`, or approved past `validUntil`. */
  | 'APPROVAL_EXPIRED'
  /** The approver is the requesting agent or the human it acts for. */
  | 'APPROVAL_SELF_APPROVAL'
  /** The caller does not hold the approver role. */
  | 'APPROVAL_NOT_APPROVER'
  | 'APPROVAL_WRONG_GROUP'
  /** This approver (by name or by human) already voted on the request. */
  | 'APPROVAL_ALREADY_VOTED'
  /** consume of a request that is pending, denied or cancelled. */
  | 'APPROVAL_NOT_APPROVED'
  | 'APPROVAL_ALREADY_EXECUTED'
  /** deny and cancel need a reason. */
  | 'APPROVAL_REASON_REQUIRED'
  | 'APPROVAL_INVALID_INPUT'
  /** The request kept changing under this call (contention beyond any sane level): nothing was written. */
  | 'APPROVAL_CONFLICT'
  /** The backing store cannot be reached or holds something unreadable: nothing was decided (fail closed). */
  | 'STORE_UNAVAILABLE';

export type ApprovalResult<T> = Result<T, ApprovalStoreCode>;

/** What a policy decision `approve` hands to the store; the store adds id, state, times and revision. */
export type ApprovalInput = Readonly<
  Pick<ApprovalRequest, 'commandHash' | 'requestId' | 'requester' | 'argv' | 'summary' | 'rule' | 'files' | 'requiredApprovers' | 'approverGroup'> & {
    /** How long the request may wait for approvers; the store's `defaultPendingMs` when absent. */
    pendingMs?: number;
    /** How long a granted approval stays usable (the rule's `expires`); the store's `defaultValidityMs` when absent. */
    validityMs?: number;
  }
>;

/** Who decides: from a verified approver token. Only role `approver` may approve or deny. */
export type Approver = Readonly<{ name: string; human: string; groups: readonly string[]; role: string }>;

/**
 * `created`: a new request; `joined`: an identical request (same commandHash) is pending and is returned instead;
 * `reused`: an identical request is approved and still valid: the caller may consume it once.
 */
export type RequestOutcome = Readonly<{ request: ApprovalRequest; outcome: 'created' | 'joined' | 'reused' }>;

export type ApprovalEvent = Readonly<{ type: 'created' | 'updated'; request: ApprovalRequest }>;
export type ApprovalListener = (event: ApprovalEvent) => void;

export type StoreHealth = Readonly<{ ok: true } | { ok: false; reason: string }>;

export type ApprovalStore = Readonly<{
  request: (input: ApprovalInput) => Promise<ApprovalResult<RequestOutcome>>;
  get: (id: string) => Promise<ApprovalResult<ApprovalRequest>>;
  /** Oldest first; every state when `states` is absent. */
  list: (filter?: Readonly<{ states?: readonly ApprovalState[] }>) => Promise<ApprovalResult<readonly ApprovalRequest[]>>;
  approve: (id: string, approver: Approver, reason?: string) => Promise<ApprovalResult<ApprovalRequest>>;
  deny: (id: string, approver: Approver, reason: string) => Promise<ApprovalResult<ApprovalRequest>>;
  /** Withdraws a pending or approved request (an operator, or the broker on the agent's behalf). */
  cancel: (id: string, by: string, reason: string) => Promise<ApprovalResult<ApprovalRequest>>;
  /** The single use: approved and valid → executed. Call it right before running the command. */
  consume: (id: string) => Promise<ApprovalResult<ApprovalRequest>>;
  /** Expires every pending request past `expiresAt` and approved one past `validUntil`; resolves to how many. */
  sweep: (now?: Date) => Promise<ApprovalResult<number>>;
  /**
   * Every transition, from any broker on the same backing store. Listeners run in their own microtask and must
   * be idempotent: after a reconnect the Redis store re-announces every request it holds as `updated`.
   */
  subscribe: (listener: ApprovalListener) => () => void;
  health: () => Promise<StoreHealth>;
  /** Stops listeners and releases connections; later calls fail with STORE_UNAVAILABLE. */
  close: () => Promise<void>;
}>;

export type ApprovalStoreOptions = Readonly<{
  clock?: () => Date;
  /** 15 minutes when absent (DESIGN §5). */
  defaultValidityMs?: number;
  /** How long a request waits for approvers when the input does not say; 1 hour when absent. */
  defaultPendingMs?: number;
  /** How long a request is kept after it stops mattering (decided, expired, executed); 24 hours when absent. */
  retentionMs?: number;
}>;

export const DEFAULT_VALIDITY_MS = 15 * 60_000;
/** Longer than the shim's wait (AWS_GUARD_APPROVAL_WAIT, 5m): an approval given after the shim gave up still
 * lets the agent's identical re-run execute. */
export const DEFAULT_PENDING_MS = 60 * 60_000;
export const DEFAULT_RETENTION_MS = 24 * 60 * 60_000;
