// The audit commands' view of the Redis audit stream (`--redis URL`, env AWS_GUARD_REDIS): the same record lines
// a file holds, read directly from Redis (no broker needed). Any Redis failure is one line and exit 1, no stack.
import { UserFacingError } from '@aws-guard/shared/errors';
import { connectReader, DEFAULT_AUDIT_KEY_PREFIX, type ReaderConnection } from '@aws-guard/broker/audit/redis-audit-connection';
import { followRedisAudit, lastRedisAuditId, readLastRedisAuditLines, readRedisAuditLines } from '@aws-guard/broker/audit/redis-audit-lines';
import { redisAuditKeys, type RedisAuditKeys } from '@aws-guard/broker/audit/redis-audit-scripts';

type Redis = ReaderConnection['redis'];

/** How long one XREAD of `tail -f` blocks: Ctrl-C is noticed within this. */
export const FOLLOW_BLOCK_MS = 1000;

/** The schemes the broker accepts for its own `redis` (config-schema.ts). */
const REDIS_URL = /^rediss?:\/\//;

/** --redis, else AWS_GUARD_REDIS (the variable the broker reads too), else none: the data dir's file. */
export const auditRedisUrl = (flag: string | undefined, env: Readonly<Record<string, string | undefined>>): string | undefined =>
  flag ?? (env['AWS_GUARD_REDIS'] || undefined);

export type RedisAuditSource = Readonly<{
  /** `redis://host:port stream aws-guard:audit` (never the password), for messages. */
  where: string;
  /** Every record line, oldest first, in chunks. */
  lines: () => AsyncIterable<string>;
  /** The last `count` lines, or with null every line; returns the stream id to follow from. */
  scan: (count: number | null, each: (line: string) => void) => Promise<string>;
  /** New lines after `afterId` until the signal aborts. */
  follow: (afterId: string, signal: AbortSignal, each: (line: string) => void) => Promise<void>;
  close: () => void;
}>;

export async function openRedisAuditSource(url: string, blockMs = FOLLOW_BLOCK_MS): Promise<RedisAuditSource> {
  // Caught before connecting: ioredis reads another scheme as a socket path and fails with a puzzling ENOENT.
  if (!REDIS_URL.test(url)) throw new UserFacingError('AUDIT_USAGE', `--redis must be a redis:// or rediss:// URL, not ${url.split('://')[0] ?? url}://…`, 2);
  let connection;
  try {
    connection = await connectReader(url, 3000, blockMs);
  } catch (e) {
    throw new UserFacingError('AUDIT_REDIS_UNREACHABLE', (e as Error).message, 1);
  }
  const { redis, close } = connection;
  const keys = redisAuditKeys(DEFAULT_AUDIT_KEY_PREFIX);
  const where = `${connection.where} stream ${keys.stream}`;
  const failed = (e: unknown): UserFacingError => new UserFacingError('AUDIT_REDIS_FAILED', `reading ${where} failed: ${(e as Error).message}`, 1);
  return {
    where,
    lines: async function* () {
      try {
        yield* readRedisAuditLines(redis, keys);
      } catch (e) {
        throw failed(e);
      }
    },
    scan: async (count, each) => {
      try {
        return await scan(redis, keys, count, each);
      } catch (e) {
        throw failed(e);
      }
    },
    follow: async (afterId, signal, each) => {
      // An abort during a blocking XREAD waits for it to time out (at most blockMs): no read is cut mid-reply.
      try {
        for await (const lines of followRedisAudit(redis, keys, afterId, { signal, blockMs })) lines.forEach(each);
      } catch (e) {
        if (!signal.aborted) throw failed(e);
      }
    },
    close,
  };
}

async function scan(redis: Redis, keys: RedisAuditKeys, count: number | null, each: (line: string) => void): Promise<string> {
  if (count !== null) {
    const last = await readLastRedisAuditLines(redis, keys, count);
    last.lines.forEach(each);
    return last.lastId;
  }
  // The end is fixed first and the scan stops there: what is appended meanwhile is for follow, shown once.
  const lastId = await lastRedisAuditId(redis, keys);
  if (lastId === '0-0') return lastId;
  for await (const line of readRedisAuditLines(redis, keys, '-', lastId)) each(line);
  return lastId;
}
