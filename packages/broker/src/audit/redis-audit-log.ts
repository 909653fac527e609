// The Redis audit store: every broker on one Redis appends to one hash chain, a stream of the same record lines
// the embedded log writes (docs/audit-format.md "Redis store"). The broker builds and hashes a batch on the head
// it last saw; a Lua script appends it only if that is still the head (redis-audit-scripts.ts), else the batch
// is rebuilt on the new head. An append resolves once Redis acknowledged it; any failure rejects it.
import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { AuditEvent, AuditRecord } from '@aws-guard/shared/audit/audit-record';
import { AuditAppendError, AuditOpenError } from './audit-errors.js';
import { recordUnfinished, type AuditLog } from './audit-log.js';
import { buildRecords, type Pending } from './build-records.js';
import { signingOf, startCheckpointTimer, type CheckpointOptions } from './checkpoint-cadence.js';
import { DEFAULT_AUDIT_KEY_PREFIX, redisUrlForDisplay, writerOptions } from './redis-audit-connection.js';
import type { BrokerId } from './redis-broker-id.js';
import { findRedisUnfinishedCommands } from './redis-unfinished-commands.js';
import { CLAIM_MS, defineAuditScripts, redisAuditKeys, type RedisAuditHead } from './redis-audit-scripts.js';
import { Redis } from 'ioredis';
import { auditLogApi, type AppendObserver } from './audit-log-api.js';

/** Lines per script call: one EVALSHA per batch (group commit), as the embedded log's one fsync per batch. */
const MAX_BATCH_RECORDS = 256;
/** Rebuilds of one batch after other brokers moved the head, before it is rejected (fail closed). A loser gets
 * the next turn (redis-audit-scripts.ts), so two brokers alternate; 20 leaves room for many more. */
export const DEFAULT_MAX_ATTEMPTS = 20;

export type RedisAuditLogOptions = Readonly<{
  url: string;
  /** Prefix of the audit keys (`<prefix>audit`, `<prefix>audit-head`); default `aws-guard:`. */
  keyPrefix?: string;
  /** Bound on one Redis command and on connecting; default 2000 ms. */
  timeoutMs?: number;
  clock?: () => Date;
  checkpoints?: CheckpointOptions;
  /** Start-up advice for the operator (a Redis without AOF): the broker's logger. */
  warn?: (message: string) => void;
  maxAttempts?: number;
  /** This broker's lasting id (redis-broker-id.ts): recorded in each entry, and used at start-up to record its own
   * commands left unfinished by a crash (`broker.recovered`). Without it, entries carry an empty id, nothing is
   * recovered. */
  broker?: BrokerId;
  /** Told how long each append took (audit-log-api.ts). */
  onAppend?: AppendObserver;
}>;

export async function createRedisAuditLog(options: RedisAuditLogOptions): Promise<AuditLog> {
  const clock = options.clock ?? (() => new Date());
  const keys = redisAuditKeys(options.keyPrefix ?? DEFAULT_AUDIT_KEY_PREFIX);
  const where = `${redisUrlForDisplay(options.url)} stream ${keys.stream}`;
  const redis = new Redis(options.url, writerOptions(options.timeoutMs ?? 2000));
  let lastError: string | undefined;
  redis.on('error', (e: Error) => void (lastError = e.message));
  const scripts = defineAuditScripts(redis, keys);
  const failure = (e: unknown): string => `${(e as Error).message}${lastError === undefined || (e as Error).message.includes(lastError) ? '' : ` (${lastError})`}`;

  let head: RedisAuditHead;
  try {
    head = await scripts.readHead();
  } catch (e) {
    redis.disconnect();
    // The connection's own error (ECONNREFUSED…) says more than the command's "max retries" rejection.
    throw new AuditOpenError('AUDIT_OPEN_FAILED', `cannot reach Redis at ${redisUrlForDisplay(options.url)} to read the audit head: ${lastError ?? failure(e)}`, { cause: e });
  }
  await warnWithoutPersistence(redis, options.warn);

  const signing = signingOf(options.checkpoints);
  const maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  const writer = randomUUID();
  const brokerId = options.broker?.id ?? '';
  let lastCheckpointAt = Math.max(clock().getTime(), head.checkpointAt);
  let closed = false;
  let draining: Promise<void> | null = null;
  const queue: Pending[] = [];

  async function drain(): Promise<void> {
    while (queue.length > 0) await writeBatch(queue.splice(0, MAX_BATCH_RECORDS));
    draining = null;
  }

  const rejectAll = (batch: Pending[], error: AuditAppendError): void => {
    for (const pending of batch) pending.reject(error);
  };

  async function writeBatch(batch: Pending[]): Promise<void> {
    // Rebuilds after the head moved are counted; waits for another broker's turn are bounded by time (a broker
    // that died holding the turn holds it at most CLAIM_MS).
    const deadline = Date.now() + 2 * CLAIM_MS + 1000;
    let claimed = false;
    const contended = (why: string): void => {
      if (claimed) void scripts.release(writer).catch(() => undefined);
      rejectAll(batch, new AuditAppendError('AUDIT_HEAD_CONTENDED', `${where}: ${why}; not appended`));
    };
    for (let rebuilds = 0; ;) {
      const built = buildRecords(batch, head, { prevSignature: head.prevSignature, since: head.since }, signing, clock);
      if (built.lines.length === 0) {
        // A checkpoint request that, on the new head, found nothing to sign: give the turn back at once.
        if (claimed) await scripts.release(writer).catch(() => undefined);
        for (const { pending, record } of built.resolved) pending.resolve(record);
        return;
      }
      const next: RedisAuditHead = {
        seq: built.head.seq, hash: built.head.hash, prevSignature: built.sign.prevSignature, since: built.sign.since,
        checkpointAt: built.checkpoints > 0 ? clock().getTime() : head.checkpointAt,
      };
      let reply;
      try {
        reply = await scripts.append(head, next, writer, brokerId, built.lines.map((line) => line.toString('utf8', 0, line.length - 1)));
      } catch (e) {
        // The script may have run with its reply lost: the next batch meets the moved head and builds on it.
        const code = (e as Error).message.includes('AUDIT_HEAD_MISSING') ? 'AUDIT_LOG_DIVERGED' : 'AUDIT_WRITE_FAILED';
        return rejectAll(batch, new AuditAppendError(code, `appending to ${where} failed: ${failure(e)}`, { cause: e }));
      }
      if (reply.appended) {
        head = next;
        lastCheckpointAt = Math.max(lastCheckpointAt, next.checkpointAt);
        for (const { pending, record } of built.resolved) pending.resolve(record);
        return;
      }
      // The head only ever moves forward: one behind what this broker saw means Redis lost records.
      const moved = reply.head;
      if (moved.seq < head.seq || (moved.seq === head.seq && moved.hash !== head.hash)) {
        return rejectAll(batch, new AuditAppendError('AUDIT_LOG_DIVERGED',
          `${where}: the chain's head is seq ${moved.seq}, behind seq ${head.seq} this broker saw (Redis lost audit records: `
          + 'restarted without persistence, or keys deleted); refusing to continue a chain that lost records'));
      }
      if (moved.seq === head.seq) {
        // Refused on an unchanged head: another broker has the turn (redis-audit-scripts.ts); let it take it.
        if (Date.now() > deadline) return contended('another broker held the turn to append for too long');
        await delay(1 + Math.floor(Math.random() * 4));
      } else {
        claimed = true;
        if (++rebuilds >= maxAttempts) return contended(`other brokers moved the chain's head ${rebuilds} times while this batch was rebuilt`);
      }
      head = moved;
      lastCheckpointAt = Math.max(lastCheckpointAt, moved.checkpointAt);
    }
  }

  const enqueue = (event: AuditEvent | null): Promise<AuditRecord | null> => new Promise((resolve, reject) => {
    queue.push({ event, resolve, reject });
    draining ??= drain();
  });

  // The cadence is global: `since` and the last checkpoint's time are in the shared head, so brokers that rebuild
  // on a head another broker just signed find nothing to sign (buildRecords resolves the request null).
  const stopTimer = startCheckpointTimer(options.checkpoints, clock, () => ({ closed, since: head.since, lastCheckpointAt }), () => enqueue(null));

  let recovered: AuditRecord | null = null;
  try {
    // Before anything else this broker appends (its `broker.started` included), as the embedded log does.
    recovered = options.broker === undefined || options.broker.fresh ? null
      : await recordUnfinished(await findRedisUnfinishedCommands(redis, keys, options.broker.id), enqueue);
  } catch (e) {
    stopTimer();
    redis.disconnect();
    throw new AuditOpenError('AUDIT_OPEN_FAILED', `cannot record the commands left unfinished in ${where}: ${failure(e)}`, { cause: e });
  }

  return auditLogApi({
    path: where, recovery: { state: { seq: head.seq, hash: head.hash, size: 0 }, tornTail: null }, recovered,
    head: () => ({ seq: head.seq, hash: head.hash }), enqueue, draining: () => draining,
    signing: signing !== null, closed: () => closed, markClosed: () => (closed = true), stopTimer,
    afterClose: () => redis.quit().then(() => undefined, () => redis.disconnect()),
    ...(options.onAppend === undefined ? {} : { onAppend: options.onAppend }),
  });
}

/** Durability is Redis's: an acknowledged append survives a Redis crash only with AOF. A refused CONFIG (managed
 * Redis) says nothing either way and is not an error. */
async function warnWithoutPersistence(redis: Redis, warn: ((message: string) => void) | undefined): Promise<void> {
  let reply: unknown;
  try {
    reply = await redis.config('GET', 'appendonly');
  } catch {
    return; // CONFIG disabled or renamed (managed Redis): its persistence is the provider's to document
  }
  const value = Array.isArray(reply) ? reply[1] : undefined;
  if (value === 'no') {
    warn?.('Redis has appendonly no: audit records acknowledged by Redis are lost if it crashes; '
      + 'set appendonly yes and appendfsync always (docs/audit-format.md "Redis store")');
  }
}
