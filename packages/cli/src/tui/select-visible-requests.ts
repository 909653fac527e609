// Which pending requests the list shows, and in which order: the filter, then soonest expiry first.
// Sorting by `expiresAt` equals sorting by time left at any instant, so the order never depends on the clock.
import type { ApprovalRequest } from '@aws-guard/shared/approval/approval-request';

// Requests arrive as new objects only when a snapshot changes them, so a per-object cache spares
// lower-casing every argv on each key typed into the filter.
const haystacks = new WeakMap<ApprovalRequest, string>();

const haystack = (r: ApprovalRequest): string => {
  let text = haystacks.get(r);
  if (text === undefined) {
    const { service, operation, risk } = r.summary;
    text = [r.id, service, operation, `${service}:${operation}`, risk, r.requester.agent, r.requester.human, ...r.argv]
      .join('\n')
      .toLowerCase();
    haystacks.set(r, text);
  }
  return text;
};

/** Every whitespace-separated term must appear (case-insensitive) in one of the request's searchable fields. */
const matchesFilter = (r: ApprovalRequest, filter: string): boolean => {
  const terms = filter.toLowerCase().split(/\s+/).filter(Boolean);
  const text = haystack(r);
  return terms.every((term) => text.includes(term));
};

const timeOf = (iso: string): number => {
  const t = Date.parse(iso);
  // A malformed time sorts last instead of poisoning the comparison with NaN.
  return Number.isNaN(t) ? Number.POSITIVE_INFINITY : t;
};

const bySoonestExpiry = (a: ApprovalRequest, b: ApprovalRequest): number =>
  timeOf(a.expiresAt) - timeOf(b.expiresAt) || timeOf(a.createdAt) - timeOf(b.createdAt) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

export const selectVisibleRequests = (requests: readonly ApprovalRequest[], filter: string): readonly ApprovalRequest[] =>
  requests.filter((r) => r.state === 'pending' && matchesFilter(r, filter)).sort(bySoonestExpiry);
