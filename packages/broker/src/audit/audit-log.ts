// The embedded audit log: appends events as hash-chained JSON lines to <dir>/audit.jsonl, each one durable
// (fsynced) before its promise resolves, with signed checkpoints when given a signer, sealed into segment files by
// size, and at start-up a `broker.recovered` record for commands a crash left unfinished. A failed append rejects;
// it is never skipped.
import { mkdir } from 'node:fs/promises';
import { CHECKPOINT_TYPE } from '@aws-guard/shared/audit/checkpoint-signature';
import { auditEventSchema, type AuditEvent, type AuditRecord } from '@aws-guard/shared/audit/audit-record';
import { checkJsonObject } from '@aws-guard/shared/audit/check-json-object';
import { appendDurably } from './append-durably.js';
import { auditLogApi, type AppendObserver } from './audit-log-api.js';
import { AuditAppendError, AuditOpenError } from './audit-errors.js';
import { auditFilePath } from './audit-files.js';
import { signingOf, startCheckpointTimer, type CheckpointOptions } from './checkpoint-cadence.js';
import { buildRecords, type Built, type Pending, type SignState } from './build-records.js';
import { findLastCheckpoint } from './find-last-checkpoint.js';
import { findUnfinishedCommands, type UnfinishedScan } from './find-unfinished-commands.js';
import { recoverChainState, type ChainState, type Recovery } from './recover-chain-state.js';
import { rotateSegment, type RotationProgress } from './rotate-segment.js';

/** Appends waiting while a batch is written go out together in the next one (group commit: one fsync). */
const MAX_BATCH_RECORDS = 256;
export { DEFAULT_CHECKPOINT_MS, DEFAULT_CHECKPOINT_RECORDS, type CheckpointOptions } from './checkpoint-cadence.js';
/** The active file is sealed into a segment once it holds this many bytes (docs/audit-format.md "Segments"). */
export const DEFAULT_SEGMENT_BYTES = 64 * 1024 * 1024;

export type AuditLogOptions = Readonly<{
  dir: string;
  clock?: () => Date;
  checkpoints?: CheckpointOptions;
  /** Seal the active file after the batch that makes it this large (default 64 MiB); Infinity: never. */
  segmentBytes?: number;
  /** Told how long each append took (audit-log-api.ts). */
  onAppend?: AppendObserver;
}>;

export type AuditLog = Readonly<{
  path: string;
  /** What start-up found: where the chain continues and any torn last line set aside (worth a record). */
  recovery: Recovery;
  /** The `broker.recovered` record written at start-up, or null if no command was left unfinished. */
  recovered: AuditRecord | null;
  /** Resolves with the record once it is on disk; rejects with AuditAppendError otherwise. */
  append: (event: AuditEvent) => Promise<AuditRecord>;
  /** The last durable record's seq and hash (seq 0 and the genesis hash for an empty log). */
  head: () => Readonly<{ seq: number; hash: string }>;
  /** Appends a checkpoint now if records were added since the last one; resolves null if none was needed. */
  checkpoint: () => Promise<AuditRecord | null>;
  /** Waits for queued appends, writes a last checkpoint (with a signer), then refuses new appends. */
  close: () => Promise<void>;
}>;

export async function createAuditLog(options: AuditLogOptions): Promise<AuditLog> {
  const clock = options.clock ?? (() => new Date());
  const path = auditFilePath(options.dir);
  const recovery = await openLog(options.dir, path, clock);
  let state: ChainState = recovery.state;
  const signing = signingOf(options.checkpoints);
  let sign: SignState = signing === null ? { prevSignature: null, since: 0 } : await signStateAt(path, state);
  let lastCheckpointAt = clock().getTime();
  let afterFailure = false;
  let closed = false;
  let draining: Promise<void> | null = null;
  const queue: Pending[] = [];
  const segmentBytes = options.segmentBytes ?? DEFAULT_SEGMENT_BYTES;
  const rotation: RotationProgress = { sealedTo: null };

  async function drain(): Promise<void> {
    while (queue.length > 0) {
      const batch = queue.splice(0, MAX_BATCH_RECORDS);
      // A segment left full (a failed or crashed rotation) is sealed before more goes in; if that fails, the
      // batch fails: rotation happens between batches, never inside one.
      const sealed = state.size < segmentBytes ? null : await seal().then(() => null, (e: unknown) => appendError(e));
      if (sealed !== null) for (const pending of batch) pending.reject(sealed);
      else await writeBatch(batch);
    }
    draining = null;
  }

  /** Ends the full active file with a checkpoint (unless it already does) and rotates it into a segment. */
  async function seal(): Promise<void> {
    if (signing !== null && sign.since > 0) {
      const built = buildRecords([{ event: null, resolve: () => {}, reject: () => {} }], state, sign, signing, clock);
      await write(built);
    }
    await rotateSegment(path, state, rotation);
    state = { ...state, size: 0 };
  }

  async function write(built: Built): Promise<void> {
    try {
      await appendDurably(path, Buffer.concat(built.lines), state, afterFailure);
    } catch (e) {
      // The chain state stays at the last durable record: the next append continues from there.
      afterFailure = true;
      throw e;
    }
    afterFailure = false;
    state = { seq: built.head.seq, hash: built.head.hash, size: state.size + built.bytes };
    sign = built.sign;
    if (built.checkpoints > 0) lastCheckpointAt = clock().getTime();
  }

  const appendError = (e: unknown): AuditAppendError => (e instanceof AuditAppendError ? e
    : new AuditAppendError('AUDIT_WRITE_FAILED', `appending to ${path} failed: ${(e as Error).message}`, { cause: e }));

  async function writeBatch(batch: Pending[]): Promise<void> {
    let built: Built;
    try {
      built = buildRecords(batch, state, sign, signing, clock, segmentBytes - state.size);
      if (built.lines.length === 0) {
        for (const { pending, record } of built.resolved) pending.resolve(record);
        return;
      }
      await write(built);
    } catch (e) {
      const error = appendError(e);
      for (const pending of batch) pending.reject(error);
      return;
    }
    // Sealed right away, before the batch is acknowledged, so that a full segment is a sealed file by then. The
    // batch is durable either way: a failure here is retried before the next batch, and fails that one.
    if (state.size >= segmentBytes) await seal().catch(() => undefined);
    for (const { pending, record } of built.resolved) pending.resolve(record);
  }

  const enqueue = (event: AuditEvent | null): Promise<AuditRecord | null> => new Promise((resolve, reject) => {
    queue.push({ event, resolve, reject });
    draining ??= drain();
  });

  const stopTimer = startCheckpointTimer(options.checkpoints, clock, () => ({ closed, since: sign.since, lastCheckpointAt }), () => enqueue(null));

  let recovered: AuditRecord | null;
  try {
    recovered = await recordUnfinished(await findUnfinishedCommands(path, state.size), enqueue);
  } catch (e) {
    stopTimer();
    throw new AuditOpenError('AUDIT_OPEN_FAILED', `cannot record the commands left unfinished in ${path}: ${(e as Error).message}`, { cause: e });
  }

  return auditLogApi({
    path, recovery, recovered, head: () => ({ seq: state.seq, hash: state.hash }), enqueue, draining: () => draining,
    signing: signing !== null, closed: () => closed, markClosed: () => (closed = true), stopTimer,
    ...(options.onAppend === undefined ? {} : { onAppend: options.onAppend }),
  });
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

/**
 * Before anything else is appended (the broker's own `broker.started` included), so that the record follows the
 * crash it reports. None when nothing was left unfinished: a cleanly stopped log gets no such record.
 */
export async function recordUnfinished(
  scan: UnfinishedScan, enqueue: (event: AuditEvent) => Promise<AuditRecord | null>,
): Promise<AuditRecord | null> {
  if (scan.count === 0) return null;
  const { unfinished, count, previousStart, scannedAfter } = scan;
  const data = { unfinished, count, omitted: count - unfinished.length, previousStart, scannedAfter };
  const event = checkEvent({ type: 'broker.recovered', actor: { kind: 'broker' }, data }, true);
  if (typeof event === 'string') throw new Error(event);
  return enqueue(event);
}

/** Where signing resumes after a restart: the last checkpoint's signature and the records after it. */
async function signStateAt(path: string, state: ChainState): Promise<SignState> {
  try {
    const last = state.seq === 0 ? null : await findLastCheckpoint(path, state.size);
    return { prevSignature: last?.signature ?? null, since: state.seq - (last?.seq ?? 0) };
  } catch (e) {
    throw new AuditOpenError('AUDIT_OPEN_FAILED', `cannot read the last checkpoint of ${path}: ${(e as Error).message}`, { cause: e });
  }
}

/** The event in record order without undefined fields, copied (so later changes by the caller are not
 * hashed), or what is wrong with it. */
export function checkEvent(event: AuditEvent, byTheLog = false): AuditEvent | string {
  if (!byTheLog && (event.type === CHECKPOINT_TYPE || event.type === 'broker.recovered')) {
    return `invalid audit event: ${event.type} records are written by the log itself`;
  }
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
