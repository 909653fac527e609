// Folds audit records into one summary per agent session: who, when it started, how many commands, how many
// were refused and how many ran on an approval. Pure: reading the log and the recordings is sessions-run.ts's job.
import type { AuditRecord } from '@aws-guard/shared/audit/audit-record';

export type SessionSummary = {
  sessionId: string;
  agent: string | null;
  human: string | null;
  /** The `ts` of the session's first record. */
  start: string;
  /** The `ts` of its last record. */
  last: string;
  /** `command.requested` records. */
  commands: number;
  /** Commands refused (`command.refused`: policy deny, approval denied or expired, local-only, unparseable…). */
  denied: number;
  /** Commands that ran on an approval (`approval.consumed`, or a vote that left the request approved). */
  approved: number;
};

export type SessionFold = Readonly<{ add: (record: AuditRecord) => void; sessions: () => SessionSummary[] }>;

export function foldSessions(): SessionFold {
  const sessions = new Map<string, SessionSummary>();
  // Approver records carry the request id but not the agent's session: joined through the command's request.
  const sessionOfRequest = new Map<string, string>();
  const denied = new Map<string, Set<string>>();
  const approved = new Map<string, Set<string>>();
  const count = (into: Map<string, Set<string>>, sessionId: string, requestId: string) => {
    const set = into.get(sessionId) ?? new Set<string>();
    set.add(requestId);
    into.set(sessionId, set);
  };

  const add = (record: AuditRecord): void => {
    const sessionId = record.sessionId ?? (record.requestId === undefined ? undefined : sessionOfRequest.get(record.requestId));
    if (sessionId === undefined) return;
    if (record.requestId !== undefined && record.sessionId !== undefined) sessionOfRequest.set(record.requestId, record.sessionId);
    let summary = sessions.get(sessionId);
    if (summary === undefined) {
      summary = { sessionId, agent: null, human: null, start: record.ts, last: record.ts, commands: 0, denied: 0, approved: 0 };
      sessions.set(sessionId, summary);
    }
    summary.last = record.ts;
    if (record.actor.kind === 'agent') {
      summary.agent ??= record.actor.agent ?? null;
      summary.human ??= record.actor.human ?? null;
    }
    const requestId = record.requestId ?? `#${record.seq}`;
    if (record.type === 'command.requested') summary.commands++;
    else if (record.type === 'command.refused') count(denied, sessionId, requestId);
    else if (record.type === 'approval.consumed' || (record.type === 'approval.approved' && record.data['state'] === 'approved')) count(approved, sessionId, requestId);
  };

  const list = (): SessionSummary[] =>
    [...sessions.values()]
      .map((s) => ({ ...s, denied: denied.get(s.sessionId)?.size ?? 0, approved: approved.get(s.sessionId)?.size ?? 0 }))
      .sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));

  return Object.freeze({ add, sessions: list });
}
