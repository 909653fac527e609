// Whether one record passes the filters of audit-filters.ts, given what its request's earlier records said.
import type { AuditActor, AuditRecord } from '@aws-guard/shared/audit/audit-record';
import type { AuditFilters } from './audit-filters.js';
import type { RequestView } from './request-context.js';

export function matchesAuditFilters(record: AuditRecord, view: RequestView, filters: AuditFilters): boolean {
  const at = Date.parse(record.ts);
  if (filters.since !== undefined && at < filters.since) return false;
  if (filters.until !== undefined && at >= filters.until) return false;
  if (filters.sessionId !== undefined && record.sessionId !== filters.sessionId) return false;
  if (filters.type !== undefined && !filters.type.test(record.type)) return false;
  if (filters.decision !== undefined && view.decision !== filters.decision) return false;
  // An approval record's actor is the approver: `--agent claude` must still show who approved claude's command.
  const actors: AuditActor[] = view.requester === undefined ? [record.actor] : [record.actor, view.requester];
  return someMatch(filters.agent, actors.map((a) => a.agent)) && someMatch(filters.human, actors.map((a) => a.human));
}

/** No pattern matches everything; a pattern needs at least one present name that it matches. */
const someMatch = (pattern: RegExp | undefined, names: ReadonlyArray<string | undefined>): boolean =>
  pattern === undefined || names.some((name) => name !== undefined && pattern.test(name));
