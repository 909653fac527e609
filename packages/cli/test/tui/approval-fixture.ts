// Approval requests for the TUI tests: a plausible pending request with every field, overridable.
import type { ApprovalRequest } from '@aws-guard/shared/approval/approval-request';

export const T0 = new Date('2030-01-01T12:00:00.000Z');

const at = (offsetMs: number): string => new Date(T0.getTime() + offsetMs).toISOString();

type Overrides = Partial<Omit<ApprovalRequest, 'summary' | 'requester'>> & {
  summary?: Partial<ApprovalRequest['summary']>;
  requester?: Partial<ApprovalRequest['requester']>;
  /** Milliseconds from T0 to expiry (default 10 min). */
  expiresInMs?: number;
  /** Milliseconds before T0 it was created (default 1 min). */
  ageMs?: number;
};

export const makeRequest = (id: string, o: Overrides = {}): ApprovalRequest => {
  const { summary, requester, expiresInMs = 10 * 60_000, ageMs = 60_000, ...rest } = o;
  return {
    id,
    commandHash: 'a'.repeat(64),
    requestId: `req_${id}`,
    requester: { agent: 'agent-ci', human: 'alice', sessionId: 'sess-1', ...requester },
    argv: ['s3api', 'delete-bucket', '--bucket', 'logs-prod'],
    summary: {
      service: 's3api',
      operation: 'delete-bucket',
      apiOperation: 'DeleteBucket',
      iamActions: ['s3:DeleteBucket'],
      risk: 'destructive',
      region: 'eu-west-1',
      targets: ['Bucket=logs-prod'],
      ...summary,
    },
    rule: { id: 'destructive-needs-approval', message: 'Deleting data needs a second pair of eyes', policyHash: 'b'.repeat(64) },
    files: [],
    requiredApprovers: 1,
    state: 'pending',
    approvals: [],
    createdAt: at(-ageMs),
    expiresAt: at(expiresInMs),
    ...rest,
  };
};
