// Separation of duties (DESIGN §7.7): who may approve or deny a request. Pure; the stores call it inside their
// compare-and-set, so a decision always checks the request as it is when the write lands.
import type { ApprovalRequest } from '@aws-guard/shared/approval/approval-request';
import { fail, ok, type Result } from '@aws-guard/shared/result';
import type { Approver, ApprovalStoreCode } from './approval-store.js';

// Names come from different token issuers (broker tokens, OIDC claims): `Alice` and `alice ` are one person
// for separation of duties. Erring towards "same person" only ever refuses more.
const person = (name: string): string => name.trim().toLowerCase();

type Check = Result<true, ApprovalStoreCode>;

/**
 * `grant` (approve): role, not the requester (agent or its human, by either of the approver's names), group
 * membership, one vote per approver name and per human. A deny is a veto and may come from the requester's
 * own human; it still needs the approver role and the group.
 */
export const checkApprover = (request: ApprovalRequest, approver: Approver, use: 'grant' | 'veto'): Check => {
  if (approver.role !== 'approver') return fail('APPROVAL_NOT_APPROVER', `${approver.name} does not hold the approver role`);
  const names = [person(approver.name), person(approver.human)];
  if (names.some((n) => n === '')) return fail('APPROVAL_NOT_APPROVER', 'an approver needs a name and a human');
  if (use === 'grant') {
    const requester = [person(request.requester.agent), person(request.requester.human)];
    if (names.some((n) => requester.includes(n)))
      return fail(
        'APPROVAL_SELF_APPROVAL',
        `${approver.name} (for ${approver.human}) cannot approve a request of agent ${request.requester.agent} acting for ${request.requester.human}`,
      );
  }
  if (request.approverGroup !== undefined && !approver.groups.includes(request.approverGroup))
    return fail('APPROVAL_WRONG_GROUP', `only members of group ${request.approverGroup} may decide this request`);
  if (use === 'grant') {
    const voted = request.approvals.some(
      (v) => names.includes(person(v.approver)) || (v.human !== undefined && names.includes(person(v.human))),
    );
    if (voted) return fail('APPROVAL_ALREADY_VOTED', `${approver.human} already approved this request`);
  }
  return ok(true);
};
