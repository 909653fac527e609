// The AuditLog both stores hand out (embedded file, Redis stream): checks and queues appends, refuses them once
// closed, and closes with a last checkpoint queued after every pending append.
import type { AuditEvent, AuditRecord } from '@aws-guard/shared/audit/audit-record';
import { AuditAppendError } from './audit-errors.js';
import { checkEvent, type AuditLog } from './audit-log.js';

export type AuditLogParts = Readonly<{
  path: string;
  recovery: AuditLog['recovery'];
  recovered: AuditRecord | null;
  head: AuditLog['head'];
  /** Queues an event (null: a checkpoint) for the store's next batch. */
  enqueue: (event: AuditEvent | null) => Promise<AuditRecord | null>;
  /** The batch being written, if any. */
  draining: () => Promise<void> | null;
  signing: boolean;
  /** Whether close() has been called (timers read it too), and how to mark it. */
  closed: () => boolean;
  markClosed: () => void;
  stopTimer: () => void;
  /** After the last write: release the store's connection. */
  afterClose?: () => Promise<void>;
  /** Told how long each append took, from the call until durable or failed (the broker's metrics). */
  onAppend?: AppendObserver;
}>;

/** Seconds from append() to durable (ok) or refused (not ok). */
export type AppendObserver = (seconds: number, ok: boolean) => void;

const closedError = () => new AuditAppendError('AUDIT_LOG_CLOSED', 'the audit log is closed');

export const auditLogApi = (p: AuditLogParts): AuditLog => ({
  path: p.path,
  recovery: p.recovery,
  recovered: p.recovered,
  append(event) {
    if (p.closed()) return Promise.reject(closedError());
    const checked = checkEvent(event);
    if (typeof checked === 'string') return Promise.reject(new AuditAppendError('AUDIT_INVALID_EVENT', checked));
    const appended = p.enqueue(checked) as Promise<AuditRecord>;
    const observe = p.onAppend;
    if (observe === undefined) return appended;
    const started = performance.now();
    appended.then(
      () => observe((performance.now() - started) / 1000, true),
      () => observe((performance.now() - started) / 1000, false),
    );
    return appended;
  },
  head: p.head,
  checkpoint() {
    if (p.closed()) return Promise.reject(closedError());
    return p.enqueue(null);
  },
  async close() {
    if (p.closed()) return p.draining() ?? undefined;
    p.markClosed();
    p.stopTimer();
    // Queued after every pending append: the last record of a cleanly stopped log is a checkpoint.
    const last = p.signing ? p.enqueue(null).catch(() => null) : null;
    await p.draining();
    await last;
    await p.afterClose?.();
  },
});
