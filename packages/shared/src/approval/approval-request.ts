// An approval request: one exact command held for a human decision (issue 4). Shared by the broker's
// stores, the approver wire messages and the `aws-guard approve` terminal UI.

export const APPROVAL_STATES = ['pending', 'approved', 'denied', 'expired', 'cancelled', 'executed'] as const;
export type ApprovalState = (typeof APPROVAL_STATES)[number];

export type ApprovalPerson = Readonly<{ name: string; groups?: readonly string[] }>;

export type ApprovalVote = Readonly<{
  approver: string;
  at: string;
  reason?: string;
  /** The human behind the approver's token: two votes by one human count once (set by the broker's stores). */
  human?: string;
}>;

export type ApprovalCancellation = Readonly<{ by: string; at: string; reason: string }>;

export type ApprovalFile = Readonly<{ arg: string; path: string; bytes: number; preview?: string }>;

export type ApprovalRequest = Readonly<{
  /** `apr_…`, unique. */
  id: string;
  /** SHA-256 (hex) of the canonical command: argv, uploaded file contents, region, identity. */
  commandHash: string;
  /** The broker request that asked first. */
  requestId: string;
  requester: Readonly<{ agent: string; human: string; sessionId: string }>;
  argv: readonly string[];
  summary: Readonly<{
    service: string;
    operation: string;
    apiOperation: string | null;
    iamActions: readonly string[];
    risk: string;
    region: string | null;
    /** Resources the parameters name (bucket, key, role, function…), as `Name=value`. */
    targets: readonly string[];
  }>;
  rule: Readonly<{ id: string; message?: string; policyHash: string }>;
  files: readonly ApprovalFile[];
  /** Distinct approvers needed; approvers must hold the approver role and be neither the agent nor its human. */
  requiredApprovers: number;
  /** Only members of this group may approve. */
  approverGroup?: string;
  state: ApprovalState;
  approvals: readonly ApprovalVote[];
  denial?: ApprovalVote;
  cancellation?: ApprovalCancellation;
  /** How long the approval stays usable once granted (the rule's `expires`, else the store's default). */
  validityMs?: number;
  /** Starts at 1 and grows by one with every transition: a listener keeps the highest revision it saw. */
  revision?: number;
  /** ISO times. A pending request expires at `expiresAt`; an approved one may run until `validUntil`. */
  createdAt: string;
  expiresAt: string;
  validUntil?: string;
  decidedAt?: string;
  executedAt?: string;
}>;
