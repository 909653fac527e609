// The state machine of one approval request, as pure functions from (request, now) to the next request or a
// coded refusal. Both stores run these inside a compare-and-set loop; nothing here reads a clock or a store.
import type { ApprovalRequest } from '@aws-guard/shared/approval/approval-request';
import { fail, ok, type Result } from '@aws-guard/shared/result';
import type { ApprovalInput, Approver, ApprovalStoreCode } from './approval-store.js';
import type { StoredRequest } from './approval-schema.js';
import { checkApprover } from './check-approver.js';

export type Transition = Result<StoredRequest, ApprovalStoreCode>;

const at = (ms: number): string => new Date(ms).toISOString();
const reasonOf = (reason: string | undefined): string | undefined => (reason?.trim() ? reason.trim() : undefined);

export const newRequest = (
  input: ApprovalInput,
  id: string,
  now: Date,
  defaults: Readonly<{ pendingMs: number; validityMs: number }>,
): StoredRequest => {
  const { pendingMs, validityMs, ...fields } = input;
  return {
    ...fields,
    id,
    state: 'pending',
    approvals: [],
    createdAt: now.toISOString(),
    expiresAt: at(now.getTime() + (pendingMs ?? defaults.pendingMs)),
    validityMs: validityMs ?? defaults.validityMs,
    revision: 1,
  };
};

/** The request as time has left it: pending past expiresAt or approved past validUntil → expired. */
export const settleExpiry = (request: StoredRequest, now: Date): StoredRequest => {
  const t = now.getTime();
  if (request.state === 'pending' && t >= Date.parse(request.expiresAt))
    return { ...request, state: 'expired', decidedAt: request.expiresAt };
  if (request.state === 'approved' && request.validUntil !== undefined && t >= Date.parse(request.validUntil))
    return { ...request, state: 'expired' };
  return request;
};

/** When a request stops mattering (its windows are over, its last transition happened): retention counts from here. */
export const relevantUntil = (r: ApprovalRequest): number =>
  Math.max(...[r.expiresAt, r.validUntil, r.decidedAt, r.executedAt].filter((t) => t !== undefined).map(Date.parse));

/** Why a request in this state cannot be decided any more. */
const notPending = (request: ApprovalRequest): Transition =>
  request.state === 'expired'
    ? fail('APPROVAL_EXPIRED', `approval request ${request.id} expired`)
    : fail('APPROVAL_NOT_PENDING', `approval request ${request.id} is ${request.state}, not pending`);

export const approve = (request: StoredRequest, approver: Approver, reason: string | undefined, now: Date): Transition => {
  if (request.state !== 'pending') return notPending(request);
  const allowed = checkApprover(request, approver, 'grant');
  if (!allowed.ok) return allowed;
  const why = reasonOf(reason);
  const vote = { approver: approver.name, human: approver.human, at: now.toISOString(), ...(why === undefined ? {} : { reason: why }) };
  const approvals = [...request.approvals, vote];
  if (approvals.length < request.requiredApprovers) return ok({ ...request, approvals });
  return ok({
    ...request,
    approvals,
    state: 'approved',
    decidedAt: now.toISOString(),
    validUntil: at(now.getTime() + request.validityMs),
  });
};

export const deny = (request: StoredRequest, approver: Approver, reason: string, now: Date): Transition => {
  const why = reasonOf(reason);
  if (why === undefined) return fail('APPROVAL_REASON_REQUIRED', 'a denial needs a reason: the agent is shown it');
  if (request.state !== 'pending') return notPending(request);
  const allowed = checkApprover(request, approver, 'veto');
  if (!allowed.ok) return allowed;
  const denial = { approver: approver.name, human: approver.human, at: now.toISOString(), reason: why };
  return ok({ ...request, state: 'denied', denial, decidedAt: now.toISOString() });
};

export const cancel = (request: StoredRequest, by: string, reason: string, now: Date): Transition => {
  const why = reasonOf(reason);
  if (why === undefined || by.trim() === '') return fail('APPROVAL_REASON_REQUIRED', 'a cancellation needs who and why');
  if (request.state !== 'pending' && request.state !== 'approved') return notPending(request);
  return ok({ ...request, state: 'cancelled', cancellation: { by, at: now.toISOString(), reason: why }, decidedAt: now.toISOString() });
};

/** The single use. Expects a settled request: an approved one here is still valid. */
export const consume = (request: StoredRequest, now: Date): Transition => {
  switch (request.state) {
    case 'approved':
      return ok({ ...request, state: 'executed', executedAt: now.toISOString() });
    case 'executed':
      return fail('APPROVAL_ALREADY_EXECUTED', `approval request ${request.id} was already used`);
    case 'expired':
      return fail('APPROVAL_EXPIRED', `approval request ${request.id} expired`);
    default:
      return fail('APPROVAL_NOT_APPROVED', `approval request ${request.id} is ${request.state}, not approved`);
  }
};
