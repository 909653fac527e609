// What the records seen so far say about each command (request id): its argv and API, who asked, the decision and
// its approvers. Records after `command.requested` carry only the request id; readers join them here.
import type { AuditActor, AuditRecord } from '@aws-guard/shared/audit/audit-record';
import type { Decision } from './audit-filters.js';
import { argvOf } from './format-audit-record.js';

export type RequestView = Readonly<{
  argv?: readonly string[];
  /** From `command.requested`'s parsed summary: the CLI service (`s3api`) and operation names. */
  service?: string;
  operation?: string;
  /** The API's own name (`ListBuckets`), when the parser knew it. */
  apiOperation?: string;
  region?: string;
  /** The agent actor of `command.requested`: approval records are written with the approver as actor. */
  requester?: AuditActor;
  /** Known once a record decided it (below); undefined before, and for records of no command. */
  decision?: Decision;
  approvers: readonly string[];
}>;

export type RequestContext = Readonly<{
  /** Folds `record` into its request's view and returns the view as of this record. */
  observe: (record: AuditRecord) => RequestView;
}>;

const EMPTY: RequestView = Object.freeze({ approvers: Object.freeze([]) });
/** A log is streamed whole for filters; keep the newest requests only, so memory stays bounded. */
export const MAX_TRACKED_REQUESTS = 10_000;

export function createRequestContext(maxTracked = MAX_TRACKED_REQUESTS): RequestContext {
  const views = new Map<string, RequestView>();
  return {
    observe(record) {
      const id = record.requestId;
      const before = id === undefined ? EMPTY : views.get(id) ?? EMPTY;
      const after = fold(before, record);
      if (id !== undefined) {
        views.delete(id); // re-inserted last: Map order is then least recently seen first
        views.set(id, after);
        if (views.size > maxTracked) views.delete(views.keys().next().value as string);
      }
      return after;
    },
  };
}

/**
 * The decision follows docs/audit-format.md's events: `command.decided` says what the policy decided; then refused
 * or denied by an approver → deny; an approval taken (`approval.consumed`) → approve; started or executed without
 * one → allow (which is all a log written before `command.decided` existed has). `command.executed` says it itself
 * (`approvalId`), so a view that starts mid-log still gets it right.
 */
function fold(view: RequestView, record: AuditRecord): RequestView {
  const { data } = record;
  switch (record.type) {
    case 'command.requested':
      return {
        ...view,
        ...(argvOf(record) === undefined ? {} : { argv: argvOf(record) }),
        ...strings(data, ['service', 'operation', 'apiOperation', 'region']),
        requester: record.actor,
      };
    case 'command.decided':
      return isDecision(data['decision']) ? { ...view, decision: data['decision'] } : view;
    case 'command.refused':
    case 'approval.denied':
      return { ...view, decision: 'deny' };
    case 'approval.consumed':
      return { ...view, decision: 'approve', approvers: stringList(data['approvers']) ?? view.approvers };
    case 'approval.approved':
      return record.actor.human === undefined || view.approvers.includes(record.actor.human) ? view
        : { ...view, approvers: [...view.approvers, record.actor.human] };
    case 'command.started':
      return { ...view, decision: view.decision ?? 'allow' };
    case 'command.executed': {
      const approved = typeof data['approvalId'] === 'string';
      return {
        ...view,
        decision: approved ? 'approve' : view.decision ?? 'allow',
        approvers: stringList(data['approvers']) ?? view.approvers,
      };
    }
    default:
      return view;
  }
}

const isDecision = (value: unknown): value is Decision => value === 'allow' || value === 'deny' || value === 'approve';

function strings(data: AuditRecord['data'], keys: readonly string[]): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const key of keys) {
    const value = data[key];
    if (typeof value === 'string' && value !== '') picked[key] = value;
  }
  return picked;
}

function stringList(value: unknown): readonly string[] | undefined {
  return Array.isArray(value) && value.every((v) => typeof v === 'string') ? (value as string[]) : undefined;
}
