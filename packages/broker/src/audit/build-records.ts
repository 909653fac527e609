// Turns one batch of queued events into chained record lines: assigns seq, ts and the hash links, and inserts a
// signed `audit.checkpoint` where the cadence says so. Pure but for the clock and the signer; nothing is written.
import {
  AUDIT_RECORD_VERSION, MAX_RECORD_BYTES, type AuditEvent, type AuditRecord, type UnhashedAuditRecord,
} from '@aws-guard/shared/audit/audit-record';
import { CHECKPOINT_TYPE, checkpointMessage } from '@aws-guard/shared/audit/checkpoint-signature';
import { computeRecordHash } from '@aws-guard/shared/audit/hash-chain';
import { AuditAppendError } from './audit-errors.js';
import type { CheckpointSigner } from './audit-signing-key.js';

/** `event` null: a request for a checkpoint (timer, shutdown); it resolves null when nothing needs signing. */
export type Pending = {
  event: AuditEvent | null;
  resolve: (record: AuditRecord | null) => void;
  reject: (error: AuditAppendError) => void;
};

export type Head = Readonly<{ seq: number; hash: string }>;
/** Where signing stands: the last checkpoint's signature and how many records followed it. */
export type SignState = Readonly<{ prevSignature: string | null; since: number }>;
export type Signing = Readonly<{ signer: CheckpointSigner; everyRecords: number }>;

export type Built = {
  resolved: Array<{ pending: Pending; record: AuditRecord | null }>;
  lines: Buffer[];
  bytes: number;
  head: Head;
  sign: SignState;
  /** Checkpoints in this batch: the caller restarts its timer when there is one. */
  checkpoints: number;
};

/**
 * A record too large to write is rejected alone and takes no seq. `sealAt`: when the batch's bytes reach it, the
 * segment is full and the batch ends with a checkpoint, so that the sealed segment ends signed.
 */
export function buildRecords(
  batch: Pending[], head: Head, sign: SignState, signing: Signing | null, clock: () => Date, sealAt = Infinity,
): Built {
  const built: Built = { resolved: [], lines: [], bytes: 0, head, sign, checkpoints: 0 };
  const push = (record: AuditRecord, line: Buffer): void => {
    built.lines.push(line);
    built.bytes += line.length;
    built.head = { seq: record.seq, hash: record.hash };
  };
  const checkpoint = (): AuditRecord | null => {
    if (signing === null || built.sign.since === 0) return null;
    const record = checkpointRecord(built.head, built.sign.prevSignature, signing.signer, clock());
    push(record, lineOf(record));
    built.sign = { prevSignature: record.data['signature'] as string, since: 0 };
    built.checkpoints++;
    return record;
  };
  for (const pending of batch) {
    if (pending.event === null) {
      built.resolved.push({ pending, record: checkpoint() });
      continue;
    }
    const record = chainRecord(pending.event, built.head, clock());
    const line = lineOf(record);
    if (line.length > MAX_RECORD_BYTES) {
      pending.reject(new AuditAppendError('AUDIT_RECORD_TOO_LARGE',
        `a ${pending.event.type} record would be ${line.length} bytes; the limit is ${MAX_RECORD_BYTES}`));
      continue;
    }
    push(record, line);
    built.resolved.push({ pending, record });
    built.sign = { ...built.sign, since: built.sign.since + 1 };
    // In the same batch, right after the record that completes the count: the count cadence is exact.
    if (signing !== null && built.sign.since >= signing.everyRecords) checkpoint();
  }
  if (built.bytes >= sealAt) checkpoint();
  return built;
}

const lineOf = (record: AuditRecord): Buffer => Buffer.from(`${JSON.stringify(record)}\n`, 'utf8');

function chainRecord(event: AuditEvent, prev: Head, now: Date): AuditRecord {
  const { type, actor, data, ...ids } = event;
  // Field order is for people reading the file; the hash uses the canonical (sorted) form.
  const unhashed: UnhashedAuditRecord = {
    v: AUDIT_RECORD_VERSION, seq: prev.seq + 1, ts: now.toISOString(), type, ...ids, actor, data, prevHash: prev.hash,
  };
  return Object.freeze({ ...unhashed, hash: computeRecordHash(prev.hash, unhashed) });
}

/** Signs the head it follows (docs/audit-format.md "Checkpoints"); its own ts is the signed time. */
function checkpointRecord(head: Head, prevSignature: string | null, signer: CheckpointSigner, now: Date): AuditRecord {
  const ts = now.toISOString();
  const signature = signer.sign(checkpointMessage({ seq: head.seq, hash: head.hash, ts, prevSignature }));
  const data = { seq: head.seq, hash: head.hash, keyId: signer.keyId, prevSignature, signature };
  const unhashed: UnhashedAuditRecord = {
    v: AUDIT_RECORD_VERSION, seq: head.seq + 1, ts, type: CHECKPOINT_TYPE, actor: { kind: 'broker' }, data, prevHash: head.hash,
  };
  return Object.freeze({ ...unhashed, hash: computeRecordHash(head.hash, unhashed) });
}
