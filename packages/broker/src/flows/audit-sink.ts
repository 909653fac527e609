// What flows need of the audit log: an append that resolves only once the record is durable, and
// rejects (never logs-and-continues) when it cannot be written.
import type { AuditEvent } from '@aws-guard/shared/audit/audit-record';

export type { AuditEvent };
export type AuditSink = Readonly<{ append: (event: AuditEvent) => Promise<unknown> }>;
