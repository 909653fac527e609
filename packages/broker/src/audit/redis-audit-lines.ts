// Reads the Redis audit stream as record lines, for the verifier and the admin CLI's readers: in chunks (XRANGE),
// the last few (XREVRANGE), and new ones as brokers append them (XREAD BLOCK). Reads only; never writes.
import type { Redis } from 'ioredis';
import { RECORD_FIELD, type RedisAuditKeys } from './redis-audit-scripts.js';

/** Entries per XRANGE: one reply stays a few MB for ordinary records. */
export const READ_CHUNK_ENTRIES = 1000;

type Entry = [id: string, fields: string[]];

/** The record line of an entry; an entry without one reads as an empty line, which no verifier accepts. */
const lineOf = ([, fields]: Entry): string => {
  for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === RECORD_FIELD) return fields[i + 1]!;
  return '';
};

/** Every record line from entry `fromId` (default: the first) to `toId` (default: the end as it is when reached). */
export async function* readRedisAuditLines(redis: Redis, keys: RedisAuditKeys, fromId = '-', toId = '+'): AsyncGenerator<string> {
  let start = fromId;
  for (;;) {
    const entries = (await redis.xrange(keys.stream, start, toId, 'COUNT', READ_CHUNK_ENTRIES)) as Entry[];
    for (const entry of entries) yield lineOf(entry);
    const last = entries.at(-1);
    if (last === undefined || entries.length < READ_CHUNK_ENTRIES) return;
    // `(` makes the range exclusive (Redis ≥ 6.2): the next chunk starts after the last entry read.
    start = `(${last[0]}`;
  }
}

export type LastLines = Readonly<{ lines: string[]; lastId: string }>;

/** The last `count` record lines, oldest first, and the id to follow from (`0-0` for an empty stream). */
export async function readLastRedisAuditLines(redis: Redis, keys: RedisAuditKeys, count: number): Promise<LastLines> {
  const entries = ((await redis.xrevrange(keys.stream, '+', '-', 'COUNT', count)) as Entry[]).reverse();
  return { lines: entries.map(lineOf), lastId: entries.at(-1)?.[0] ?? '0-0' };
}

/** The id of the stream's last entry (`0-0` if empty): where following starts after a whole read. */
export async function lastRedisAuditId(redis: Redis, keys: RedisAuditKeys): Promise<string> {
  const entries = (await redis.xrevrange(keys.stream, '+', '-', 'COUNT', 1)) as Entry[];
  return entries[0]?.[0] ?? '0-0';
}

export type FollowRedisOptions = Readonly<{ signal: AbortSignal; blockMs: number }>;

/**
 * Yields batches of new record lines after entry `afterId` until `signal` aborts. Each XREAD blocks at most
 * `blockMs`, so an abort is noticed within that; the connection must allow commands that long.
 */
export async function* followRedisAudit(redis: Redis, keys: RedisAuditKeys, afterId: string, opts: FollowRedisOptions): AsyncGenerator<string[]> {
  let last = afterId;
  while (!opts.signal.aborted) {
    const reply = (await redis.xread('COUNT', READ_CHUNK_ENTRIES, 'BLOCK', opts.blockMs, 'STREAMS', keys.stream, last)) as
      Array<[stream: string, entries: Entry[]]> | null;
    const entries = reply?.[0]?.[1] ?? [];
    if (entries.length === 0) continue;
    last = entries.at(-1)![0];
    yield entries.map(lineOf);
  }
}
