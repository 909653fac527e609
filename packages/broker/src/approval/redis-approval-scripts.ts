// The Redis keys of the approval store and the two Lua scripts that make each write atomic: the check, the
// write, the index update and the notification happen in one step that no other client can interleave.
import type { Redis } from 'ioredis';

export type RedisApprovalKeys = Readonly<{
  /** One request as JSON, with a TTL. */
  request: (id: string) => string;
  /** commandHash → the id of the latest request for that exact command. */
  hash: (commandHash: string) => string;
  /** Sorted set of request ids by creation time, for list and sweep. */
  index: string;
  /** Pub/sub channel: `{"type":"created"|"updated","request":{…}}` per transition. */
  channel: string;
}>;

export const redisApprovalKeys = (prefix: string): RedisApprovalKeys => ({
  request: (id) => `${prefix}approval:${id}`,
  hash: (commandHash) => `${prefix}approval-hash:${commandHash}`,
  index: `${prefix}approvals`,
  channel: `${prefix}approval-events`,
});

// KEYS: hash, request, index. ARGV: expected holder ('' = none), id, json, ttl ms, score, channel.
// Two brokers asking for the same command at once both read the same holder; only the first create lands.
const CREATE = `
local holder = redis.call('GET', KEYS[1]) or ''
if holder ~= ARGV[1] then return 0 end
if redis.call('EXISTS', KEYS[2]) == 1 then return -1 end
redis.call('SET', KEYS[2], ARGV[3], 'PX', ARGV[4])
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[4])
redis.call('ZADD', KEYS[3], ARGV[5], ARGV[2])
redis.call('PUBLISH', ARGV[6], '{"type":"created","request":' .. ARGV[3] .. '}')
return 1
`;

// KEYS: request, hash. ARGV: expected revision, json, ttl ms, id, channel.
// The revision is the compare in compare-and-set: of two approvers (or an approve and a deny) that read the same
// revision, one write lands and the other caller re-reads the decided request.
const UPDATE = `
local current = redis.call('GET', KEYS[1])
if not current then return -1 end
if cjson.decode(current).revision ~= tonumber(ARGV[1]) then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
if redis.call('GET', KEYS[2]) == ARGV[4] then redis.call('PEXPIRE', KEYS[2], ARGV[3]) end
redis.call('PUBLISH', ARGV[5], '{"type":"updated","request":' .. ARGV[2] .. '}')
return 1
`;

/** 1 written, 0 the compare failed, -1 create: id taken / update: request gone. */
export type ScriptReply = 1 | 0 | -1;

type Target = Readonly<{ id: string; commandHash: string }>;

export type ApprovalScripts = Readonly<{
  /** `holder`: the id the hash index must still name (null: no entry); `score`: creation time in ms. */
  create: (target: Target, holder: string | null, json: string, ttlMs: number, score: number) => Promise<ScriptReply>;
  update: (target: Target, revision: number, json: string, ttlMs: number) => Promise<ScriptReply>;
}>;

type Runner = (...args: (string | number)[]) => Promise<unknown>;

// defineCommand sends EVALSHA and falls back to EVAL after NOSCRIPT (a restarted Redis has an empty script cache).
const define = (redis: Redis, name: string, keys: number, lua: string): Runner => {
  redis.defineCommand(name, { numberOfKeys: keys, lua });
  const runner = (redis as unknown as Record<string, Runner>)[name];
  if (runner === undefined) throw new Error(`ioredis did not define ${name}`);
  return runner.bind(redis);
};

const reply = (value: unknown): ScriptReply => {
  if (value === 1 || value === 0 || value === -1) return value;
  throw new Error(`unexpected reply from an approval script: ${String(value)}`);
};

export const defineApprovalScripts = (redis: Redis, keys: RedisApprovalKeys): ApprovalScripts => {
  const create = define(redis, 'awsGuardApprovalCreate', 3, CREATE);
  const update = define(redis, 'awsGuardApprovalUpdate', 2, UPDATE);
  return {
    create: async ({ id, commandHash }, holder, json, ttlMs, score) =>
      reply(await create(keys.hash(commandHash), keys.request(id), keys.index, holder ?? '', id, json, ttlMs, score, keys.channel)),
    update: async ({ id, commandHash }, revision, json, ttlMs) =>
      reply(await update(keys.request(id), keys.hash(commandHash), revision, json, ttlMs, id, keys.channel)),
  };
};
