// The embedded audit log: appends events as hash-chained JSON lines to <dir>/audit.jsonl, each one durable
// (fsynced) before its promise resolves. A failed append rejects; it is never logged and skipped.
import { mkdir } from 'node:fs/promises';
import {
  AUDIT_RECORD_VERSION, MAX_RECORD_BYTES, auditEventSchema, type AuditEvent, type AuditRecord, type UnhashedAuditRecord,
} from '@aws-guard/shared/audit/audit-record';
import { checkJsonObject } from '@aws-guard/shared/audit/check-json-object';
import { computeRecordHash } from '@aws-guard/shared/audit/hash-chain';
import { appendDurably } from './append-durably.js';
import { AuditAppendError, AuditOpenError } from './audit-errors.js';
import { auditFilePath } from './audit-files.js';
import { recoverChainState, type ChainState, type Recovery } from './recover-chain-state.js';

/** Appends waiting while a batch is written go out together in the next one (group commit: one fsync). */
const MAX_BATCH_RECORDS = 256;

export type AuditLogOptions = Readonly<{ dir: string; clock?: () => Date }>;

export type AuditLog = Readonly<{
  path: string;
  /** What start-up found: where the chain continues and any torn last line set aside (worth a record). */
  recovery: Recovery;
  /** Resolves with the record once it is on disk; rejects with AuditAppendError otherwise. */
  append: (event: AuditEvent) => Promise<AuditRecord>;
  /** The last durable record's seq and hash (seq 0 and the genesis hash for an empty log). */
  head: () => Readonly<{ seq: number; hash: string }>;
  /** Waits for queued appends, then refuses new ones. */
  close: () => Promise<void>;
}>;

type Pending = { event: AuditEvent; resolve: (record: AuditRecord) => void; reject: (error: AuditAppendError) => void };

export async function createAuditLog(options: AuditLogOptions): Promise<AuditLog> {
  const clock = options.clock ?? (() => new Date());
  const path = auditFilePath(options.dir);
  const recovery = await openLog(options.dir, path, clock);
  let state: ChainState = recovery.state;
  let afterFailure = false;
  let closed = false;
  let draining: Promise<void> | null = null;
  const queue: Pending[] = [];

  async function drain(): Promise<void> {
    while (queue.length > 0) await writeBatch(queue.splice(0, MAX_BATCH_RECORDS));
    draining = null;
  }

  async function writeBatch(batch: Pending[]): Promise<void> {
    let built: Built;
    try {
      built = buildRecords(batch, state, clock);
      if (built.records.length === 0) return;
      await appendDurably(path, Buffer.concat(built.lines), state, afterFailure);
    } catch (e) {
      // The chain state stays at the last durable record: the next append continues from there.
      afterFailure = true;
      const error = e instanceof AuditAppendError ? e
        : new AuditAppendError('AUDIT_WRITE_FAILED', `appending to ${path} failed: ${(e as Error).message}`, { cause: e });
      for (const pending of batch) pending.reject(error);
      return;
    }
    afterFailure = false;
    const last = built.records[built.records.length - 1]!.record;
    state = { seq: last.seq, hash: last.hash, size: state.size + built.bytes };
    for (const { pending, record } of built.records) pending.resolve(record);
  }

  return {
    path,
    recovery,
    append(event) {
      if (closed) return Promise.reject(new AuditAppendError('AUDIT_LOG_CLOSED', 'the audit log is closed'));
      const checked = checkEvent(event);
      if (typeof checked === 'string') return Promise.reject(new AuditAppendError('AUDIT_INVALID_EVENT', checked));
      return new Promise<AuditRecord>((resolve, reject) => {
        queue.push({ event: checked, resolve, reject });
        draining ??= drain();
      });
    },
    head: () => ({ seq: state.seq, hash: state.hash }),
    async close() {
      closed = true;
      await draining;
    },
  };
}

async function openLog(dir: string, path: string, clock: () => Date): Promise<Recovery> {
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    return await recoverChainState(path, clock);
  } catch (e) {
    if (e instanceof AuditOpenError) throw e;
    throw new AuditOpenError('AUDIT_OPEN_FAILED', `cannot open the audit log ${path}: ${(e as Error).message}`, { cause: e });
  }
}

/** The event in record order without undefined fields, copied (so later changes by the caller are not
 * hashed), or what is wrong with it. */
function checkEvent(event: AuditEvent): AuditEvent | string {
  const checked = auditEventSchema.safeParse(event);
  if (!checked.success) {
    const first = checked.error.issues[0];
    return `invalid audit event: ${first?.path.join('.') || 'event'}: ${first?.message ?? 'invalid'}`;
  }
  const { type, code, requestId, sessionId, actor, data } = event;
  const clean = dropUndefined({ type, code, requestId, sessionId, actor: dropUndefined({ ...actor }), data });
  const json = checkJsonObject(clean, 'event');
  return json.ok ? (structuredClone(clean) as AuditEvent) : `invalid audit event: ${json.issue.message}`;
}

function dropUndefined<T extends object>(fields: T): T {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as T;
}

type Built = { records: Array<{ pending: Pending; record: AuditRecord }>; lines: Buffer[]; bytes: number };

/** Assigns seq, ts and the chain links; a record too large to write is rejected alone and takes no seq. */
function buildRecords(batch: Pending[], from: ChainState, clock: () => Date): Built {
  const built: Built = { records: [], lines: [], bytes: 0 };
  let prev = { seq: from.seq, hash: from.hash };
  for (const pending of batch) {
    const record = chainRecord(pending.event, prev, clock());
    const line = Buffer.from(`${JSON.stringify(record)}\n`, 'utf8');
    if (line.length > MAX_RECORD_BYTES) {
      pending.reject(new AuditAppendError('AUDIT_RECORD_TOO_LARGE',
        `a ${pending.event.type} record would be ${line.length} bytes; the limit is ${MAX_RECORD_BYTES}`));
      continue;
    }
    built.records.push({ pending, record });
    built.lines.push(line);
    built.bytes += line.length;
    prev = { seq: record.seq, hash: record.hash };
  }
  return built;
}

function chainRecord(event: AuditEvent, prev: { seq: number; hash: string }, now: Date): AuditRecord {
  const { type, actor, data, ...ids } = event;
  // Field order is for people reading the file; the hash uses the canonical (sorted) form.
  const unhashed: UnhashedAuditRecord = {
    v: AUDIT_RECORD_VERSION, seq: prev.seq + 1, ts: now.toISOString(), type, ...ids, actor, data, prevHash: prev.hash,
  };
  return Object.freeze({ ...unhashed, hash: computeRecordHash(prev.hash, unhashed) });
}
