// The Redis keys of the shared audit chain and the one Lua script that appends to it: compare the head the
// broker built its records on, then add the lines and move the head, in one step no other broker can interleave.
// Redis Lua cannot compute SHA-256, so the script never builds records; it only refuses a batch built on a stale head.
import type { Redis } from 'ioredis';
import { GENESIS_HASH } from '@aws-guard/shared/audit/hash-chain';

export type RedisAuditKeys = Readonly<{
  /** The stream: one entry per record, id `0-<seq>`, field `r` = the record's JSON line (no newline), field `b` =
   * the id of the broker that appended it (redis-broker-id.ts; not hashed: it only guides start-up recovery). */
  stream: string;
  /** Hash: seq, hash (the last record), sig (the last checkpoint's signature), since (records after it), cpAt (ms),
   * and claim/claimUntil: the writer that lost the last race and has the next turn (see APPEND). */
  head: string;
}>;

export const redisAuditKeys = (prefix: string): RedisAuditKeys => ({ stream: `${prefix}audit`, head: `${prefix}audit-head` });

/** The field of a stream entry that holds the record line; readers (redis-audit-lines.ts) read the same. */
export const RECORD_FIELD = 'r';
export const BROKER_FIELD = 'b';

/** Stream ids are `0-<seq>`: XRANGE by seq needs no index, and Redis itself refuses an id that does not grow. */
export const entryIdOf = (seq: number): string => `0-${seq}`;

/** Where the shared chain stands, as stored in the head hash. */
export type RedisAuditHead = Readonly<{
  seq: number;
  hash: string;
  /** The last checkpoint's signature, or null before the first. */
  prevSignature: string | null;
  /** Records after the last checkpoint. */
  since: number;
  /** When the last checkpoint was written (ms since the epoch; 0 before the first). */
  checkpointAt: number;
}>;

export const EMPTY_HEAD: RedisAuditHead = { seq: 0, hash: GENESIS_HASH, prevSignature: null, since: 0, checkpointAt: 0 };

/** How long a writer that lost a race keeps the next turn: longer than rebuilding a batch, short enough that a
 * writer that died holding it stalls the others only briefly. */
export const CLAIM_MS = 1000;

// KEYS: head, stream. ARGV: expected seq, expected hash, new seq, new hash, new sig, new since, new cpAt, writer id,
// broker id, line… A head hash that is gone while the stream still holds entries means someone deleted it: refuse, never
// restart the chain. On a mismatch the current head is returned, so the loser rebuilds without another round
// trip, and the loser claims the next turn: without it, a writer that keeps winning (its next batch is built on
// its own head while the loser rebuilds) could starve the other. While another writer's claim is live, a batch is
// refused even on the right head; the refused writer sees an unchanged head and waits a moment.
const APPEND = `
local head = redis.call('HMGET', KEYS[1], 'seq', 'hash', 'sig', 'since', 'cpAt', 'claim', 'claimUntil')
if not head[1] and redis.call('XLEN', KEYS[2]) > 0 then
  return redis.error_reply('AUDIT_HEAD_MISSING the audit stream has entries but its head hash is gone')
end
local seq = head[1] or '0'
local hash = head[2] or '${GENESIS_HASH}'
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local claimed = head[6] and head[6] ~= ARGV[8] and tonumber(head[7] or '0') > now
if claimed or seq ~= ARGV[1] or hash ~= ARGV[2] then
  if not claimed then
    redis.call('HSET', KEYS[1], 'claim', ARGV[8], 'claimUntil', string.format('%d', now + ${CLAIM_MS}))
  end
  return {0, seq, hash, head[3] or '', head[4] or '0', head[5] or '0'}
end
local first = tonumber(ARGV[1])
for i = 10, #ARGV do
  redis.call('XADD', KEYS[2], '0-' .. string.format('%d', first + i - 9), '${RECORD_FIELD}', ARGV[i], '${BROKER_FIELD}', ARGV[9])
end
redis.call('HSET', KEYS[1], 'seq', ARGV[3], 'hash', ARGV[4], 'sig', ARGV[5], 'since', ARGV[6], 'cpAt', ARGV[7])
redis.call('HDEL', KEYS[1], 'claim', 'claimUntil')
return {1}
`;

// KEYS: head. ARGV: writer id. A writer that lost a race but then had nothing to append gives its turn back.
const RELEASE = `
if redis.call('HGET', KEYS[1], 'claim') == ARGV[1] then redis.call('HDEL', KEYS[1], 'claim', 'claimUntil') end
return 1
`;

export type AppendReply = Readonly<{ appended: true }> | Readonly<{ appended: false; head: RedisAuditHead }>;

export type AuditScripts = Readonly<{
  /** Appends `lines` (seq expected.seq+1 on) if the head is still `expected` and no other writer holds the turn;
   * `next` is the head after them; `writer` names this writer for claims, `brokerId` its broker in each entry. */
  append: (expected: Readonly<{ seq: number; hash: string }>, next: RedisAuditHead, writer: string, brokerId: string, lines: readonly string[]) => Promise<AppendReply>;
  /** Gives back a turn this writer claimed and will not use. */
  release: (writer: string) => Promise<void>;
  /** The head as stored (EMPTY_HEAD for a chain not started); throws if the head is gone but entries remain. */
  readHead: () => Promise<RedisAuditHead>;
}>;

type Runner = (...args: (string | number)[]) => Promise<unknown>;

const headOf = (fields: readonly unknown[]): RedisAuditHead => {
  const [seq, hash, sig, since, cpAt] = fields.map((f) => (f === null || f === undefined ? '' : String(f)));
  const head = { seq: Number(seq || '0'), hash: hash || GENESIS_HASH, prevSignature: sig || null, since: Number(since || '0'), checkpointAt: Number(cpAt || '0') };
  if (![head.seq, head.since, head.checkpointAt].every(Number.isSafeInteger) || !/^[0-9a-f]{64}$/.test(head.hash)) {
    throw new Error(`the audit head in Redis is not one this broker wrote: ${JSON.stringify(fields)}`);
  }
  return head;
};

export const defineAuditScripts = (redis: Redis, keys: RedisAuditKeys): AuditScripts => {
  // defineCommand sends EVALSHA and falls back to EVAL after NOSCRIPT (a restarted Redis has no scripts cached).
  redis.defineCommand('awsGuardAuditAppend', { numberOfKeys: 2, lua: APPEND });
  const run = (redis as unknown as Record<string, Runner>)['awsGuardAuditAppend'];
  redis.defineCommand('awsGuardAuditRelease', { numberOfKeys: 1, lua: RELEASE });
  const release = (redis as unknown as Record<string, Runner>)['awsGuardAuditRelease'];
  if (run === undefined || release === undefined) throw new Error('ioredis did not define the audit scripts');
  return {
    append: async (expected, next, writer, brokerId, lines) => {
      const reply = await run.call(redis, keys.head, keys.stream, expected.seq, expected.hash, next.seq, next.hash,
        next.prevSignature ?? '', next.since, next.checkpointAt, writer, brokerId, ...lines);
      if (!Array.isArray(reply)) throw new Error(`unexpected reply from the audit append script: ${String(reply)}`);
      if (reply[0] === 1) return { appended: true };
      if (reply[0] === 0) return { appended: false, head: headOf(reply.slice(1)) };
      throw new Error(`unexpected reply from the audit append script: ${JSON.stringify(reply)}`);
    },
    release: async (writer) => void (await release.call(redis, keys.head, writer)),
    readHead: async () => {
      const [fields, length] = await Promise.all([redis.hmget(keys.head, 'seq', 'hash', 'sig', 'since', 'cpAt'), redis.xlen(keys.stream)]);
      if (fields[0] === null && length > 0) throw new Error('AUDIT_HEAD_MISSING the audit stream has entries but its head hash is gone');
      return headOf(fields);
    },
  };
};
