// The approver channel (`/v1/approver`, approver or admin tokens): list and watch pending requests, decide.
// Same framing and hello as the agent channel (codec.ts); only JSON messages, no data frames.
import * as z from 'zod/mini';
import { APPROVAL_STATES } from '../approval/approval-request.js';

const vote = z.looseObject({ approver: z.string(), human: z.optional(z.string()), at: z.string(), reason: z.optional(z.string()) });

/** The wire form of ApprovalRequest (approval/approval-request.ts); unknown fields are tolerated for newer brokers. */
export const approvalRequestSchema = z.looseObject({
  id: z.string(),
  commandHash: z.string(),
  requestId: z.string(),
  requester: z.looseObject({ agent: z.string(), human: z.string(), sessionId: z.string() }),
  argv: z.array(z.string()),
  summary: z.looseObject({
    service: z.string(),
    operation: z.string(),
    apiOperation: z.nullable(z.string()),
    iamActions: z.array(z.string()),
    risk: z.string(),
    region: z.nullable(z.string()),
    targets: z.array(z.string()),
  }),
  rule: z.looseObject({ id: z.string(), message: z.optional(z.string()), policyHash: z.string() }),
  files: z.array(z.looseObject({ arg: z.string(), path: z.string(), bytes: z.number(), preview: z.optional(z.string()) })),
  requiredApprovers: z.number(),
  approverGroup: z.optional(z.string()),
  state: z.enum(APPROVAL_STATES),
  approvals: z.array(vote),
  denial: z.optional(vote),
  createdAt: z.string(),
  expiresAt: z.string(),
  validUntil: z.optional(z.string()),
  decidedAt: z.optional(z.string()),
  executedAt: z.optional(z.string()),
});

export const approverClientMessageSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('hello'),
    protocol: z.strictObject({ min: z.number(), max: z.number() }),
    client: z.strictObject({ name: z.string(), version: z.string() }),
  }),
  /** Start receiving snapshots of the pending requests: one now, one after every change. */
  z.strictObject({ type: z.literal('approvals.subscribe') }),
  z.strictObject({
    type: z.literal('approval.decide'),
    /** Echoed in the result so that a client can match answers to questions. */
    ref: z.string().check(z.maxLength(64)),
    id: z.string().check(z.maxLength(128)),
    decision: z.enum(['approve', 'deny']),
    reason: z.optional(z.string().check(z.maxLength(2000))),
  }),
]);

export const approverServerMessageSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('hello'), protocol: z.number(), broker: z.strictObject({ version: z.string() }) }),
  z.strictObject({ type: z.literal('approvals.snapshot'), requests: z.array(approvalRequestSchema) }),
  z.strictObject({
    type: z.literal('approval.result'),
    ref: z.string(),
    ok: z.boolean(),
    code: z.optional(z.string()),
    message: z.optional(z.string()),
  }),
  z.strictObject({ type: z.literal('error'), code: z.string(), message: z.string() }),
]);

export type ApproverClientMessage = z.infer<typeof approverClientMessageSchema>;
export type ApproverServerMessage = z.infer<typeof approverServerMessageSchema>;
