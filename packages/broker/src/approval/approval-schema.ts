// The shapes an approval store accepts: the input of `request`, and a stored request read back from a backend
// (Redis holds JSON another broker wrote; anything that does not parse is refused, never half-trusted).
import { z } from 'zod';
import { APPROVAL_STATES, type ApprovalRequest } from '@aws-guard/shared/approval/approval-request';
import { failAll, ok, type Result } from '@aws-guard/shared/result';
import type { ApprovalInput } from './approval-store.js';

const text = z.string().min(1).max(4096);
const iso = z.iso.datetime();
const positiveMs = z.number().int().positive().max(365 * 24 * 60 * 60_000);

const requestFields = {
  commandHash: z.string().regex(/^[0-9a-f]{64}$/, 'must be a SHA-256 in lowercase hex'),
  requestId: text,
  requester: z.object({ agent: text, human: text, sessionId: text }),
  argv: z.array(z.string().max(256 * 1024)).max(10_000),
  summary: z.object({
    service: z.string(),
    operation: z.string(),
    apiOperation: z.string().nullable(),
    iamActions: z.array(z.string()),
    risk: z.string(),
    region: z.string().nullable(),
    targets: z.array(z.string()),
  }),
  rule: z.object({ id: text, message: z.string().optional(), policyHash: z.string() }),
  files: z.array(
    z.object({ arg: z.string(), path: z.string(), bytes: z.number().int().nonnegative(), preview: z.string().optional() }),
  ),
  requiredApprovers: z.number().int().min(1).max(10),
  approverGroup: text.optional(),
};

export const approvalInputSchema = z.object({
  ...requestFields,
  pendingMs: positiveMs.optional(),
  validityMs: positiveMs.optional(),
});

const vote = z.looseObject({ approver: text, at: iso, reason: z.string().optional(), human: z.string().optional() });

// Loose: a newer broker sharing the Redis may add optional fields, and a transition here must keep them.
const storedRequestSchema = z.looseObject({
  ...requestFields,
  id: z.string().regex(/^apr_[A-Za-z0-9_-]+$/),
  state: z.enum(APPROVAL_STATES),
  approvals: z.array(vote),
  denial: vote.optional(),
  cancellation: z.looseObject({ by: text, at: iso, reason: z.string() }).optional(),
  createdAt: iso,
  expiresAt: iso,
  validUntil: iso.optional(),
  decidedAt: iso.optional(),
  executedAt: iso.optional(),
  validityMs: positiveMs,
  revision: z.number().int().positive(),
});

/** A stored request carries the fields the shared type leaves optional for older readers. */
export type StoredRequest = ApprovalRequest & Readonly<{ validityMs: number; revision: number }>;

const describe = (error: z.ZodError): string[] =>
  error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);

export const parseApprovalInput = (input: unknown): Result<ApprovalInput, 'APPROVAL_INVALID_INPUT'> => {
  const parsed = approvalInputSchema.safeParse(input);
  return parsed.success ? ok(parsed.data) : failAll('APPROVAL_INVALID_INPUT', 'the approval request is not valid', describe(parsed.error));
};

/** Checks a stored request (already parsed from JSON); the message names what is wrong, for STORE_UNAVAILABLE. */
export const checkStoredRequest = (value: unknown): Result<StoredRequest, 'STORE_UNAVAILABLE'> => {
  const parsed = storedRequestSchema.safeParse(value);
  if (!parsed.success)
    return failAll('STORE_UNAVAILABLE', 'the store holds an approval request of an unknown shape', describe(parsed.error));
  return ok(parsed.data as StoredRequest);
};

export const decodeStoredRequest = (json: string): Result<StoredRequest, 'STORE_UNAVAILABLE'> => {
  try {
    return checkStoredRequest(JSON.parse(json));
  } catch (e) {
    return failAll('STORE_UNAVAILABLE', 'the store holds an approval request that is not JSON', [(e as Error).message]);
  }
};
