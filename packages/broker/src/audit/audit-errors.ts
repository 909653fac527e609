// The two ways the audit log refuses: an append that is not durable, and a log that cannot be opened safely.
// Both are thrown to the caller and must stop the command (DESIGN §7.4); nothing here logs and carries on.

export type AuditAppendCode =
  /** The event is not a known type, or its fields or data are not plain JSON. */
  | 'AUDIT_INVALID_EVENT'
  /** One record would exceed MAX_RECORD_BYTES. */
  | 'AUDIT_RECORD_TOO_LARGE'
  /** open, write or fsync failed (disk full, I/O error, the file was removed). */
  | 'AUDIT_WRITE_FAILED'
  /** The log path no longer names a regular file (e.g. a symlink to /dev/null or /dev/full). */
  | 'AUDIT_NOT_REGULAR_FILE'
  /** The file no longer ends with the last record this log made durable: someone else wrote or replaced it. */
  | 'AUDIT_LOG_DIVERGED'
  /** Redis store: other brokers moved the shared chain's head on every retry of this batch. */
  | 'AUDIT_HEAD_CONTENDED'
  | 'AUDIT_LOG_CLOSED';

export class AuditAppendError extends Error {
  readonly code: AuditAppendCode;
  constructor(code: AuditAppendCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AuditAppendError';
    this.code = code;
  }
}

export type AuditOpenCode =
  /** The last complete line is not a sound record: the broker will not extend a log it cannot trust. */
  | 'AUDIT_TAIL_CORRUPT'
  /** Bytes after the last newline are longer than any record could be: not a torn write. */
  | 'AUDIT_TAIL_TOO_LONG'
  | 'AUDIT_OPEN_FAILED';

export class AuditOpenError extends Error {
  readonly code: AuditOpenCode;
  constructor(code: AuditOpenCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AuditOpenError';
    this.code = code;
  }
}
