// How the audit code talks to Redis: the broker's long-lived writer connection (fails fast, never re-sends a
// script whose reply was lost) and a reader's one-shot connection (the admin CLI: connect once or say why not).
import { Redis } from 'ioredis';
import { redisUrlForDisplay } from '../approval/ping-redis.js';

/** Prefix of the audit keys; the same default as the approval store's (redis-approval-store.ts). */
export const DEFAULT_AUDIT_KEY_PREFIX = 'aws-guard:';


/** The writer's options are the approval store's: an append fails within about `timeoutMs`, never re-sent. */
export { redisConnectionOptions as writerOptions } from '../approval/redis-approval-store.js';
/** What messages and the log may show of a Redis URL (no password): the one doctor uses. */
export { redisUrlForDisplay } from '../approval/ping-redis.js';

export type ReaderConnection = Readonly<{ redis: Redis; where: string; close: () => void }>;

/**
 * Connects once (no retries) for a reader. `blockMs` is the longest XREAD BLOCK the reader will issue: the
 * command timeout must outlast it. Rejects with the cause (ECONNREFUSED, NOAUTH…) rather than ioredis's
 * "Connection is closed".
 */
export async function connectReader(url: string, timeoutMs = 3000, blockMs = 0): Promise<ReaderConnection> {
  const redis = new Redis(url, {
    lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, connectTimeout: timeoutMs,
    commandTimeout: timeoutMs + blockMs, retryStrategy: () => null,
  });
  let lastError: string | undefined;
  redis.on('error', (e: Error) => void (lastError = e.message));
  const where = redisUrlForDisplay(url);
  try {
    await redis.connect();
    await redis.ping();
  } catch (e) {
    redis.disconnect();
    // ioredis says "Stream isn't writeable…" when the peer closed the connection: something that is not Redis.
    const cause = lastError ?? ((e as Error).message || 'no answer');
    const why = /Stream isn't writeable|Connection is closed/.test(cause) ? 'the connection closed before any Redis answer (is it Redis?)' : cause;
    throw new Error(`cannot reach Redis at ${where}: ${why}`, { cause: e });
  }
  return { redis, where, close: () => redis.disconnect() };
}
