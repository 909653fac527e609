// The Redis approval store: several brokers on one Redis are one approval system. Requests are JSON with a TTL,
// every write is one Lua script (redis-approval-scripts.ts), and transitions reach every broker over pub/sub.
// A Redis that cannot answer is reported as STORE_UNAVAILABLE, never papered over.
import { Redis, type RedisOptions } from 'ioredis';
import { StoreUnavailableError, type ApprovalBackend } from './approval-backend.js';
import { createApprovalListeners } from './approval-listeners.js';
import { checkStoredRequest, decodeStoredRequest, type StoredRequest } from './approval-schema.js';
import { DEFAULT_RETENTION_MS, type ApprovalEvent, type ApprovalStore, type ApprovalStoreOptions } from './approval-store.js';
import { relevantUntil } from './approval-transitions.js';
import { createCasApprovalStore } from './cas-approval-store.js';
import { defineApprovalScripts, redisApprovalKeys } from './redis-approval-scripts.js';

export type RedisApprovalStoreOptions = ApprovalStoreOptions &
  Readonly<
    (
      | { url: string; redis?: never }
      /** A connection the caller owns (and closes). Its options are the caller's: fail-fast ones are advised. */
      | { redis: Redis; url?: never }
    ) & {
      /** Prefix of every key and of the channel; brokers that share approvals share it. Default `aws-guard:`. */
      keyPrefix?: string;
      /** Bound on one Redis command and on connecting; default 2000 ms. */
      timeoutMs?: number;
    }
  >;

export const DEFAULT_KEY_PREFIX = 'aws-guard:';

/** Shared with the Redis audit writer (audit/redis-audit-connection.ts). */
export const redisConnectionOptions = (timeoutMs: number): RedisOptions => ({
  // Commands wait for the first connection and for one reconnect attempt, and are rejected when that attempt
  // fails: the caller gets STORE_UNAVAILABLE within about a second, never an endless wait.
  enableOfflineQueue: true,
  maxRetriesPerRequest: 0,
  // A script whose reply was lost with the connection may have run: never run it a second time.
  autoResendUnfulfilledCommands: false,
  commandTimeout: timeoutMs,
  connectTimeout: timeoutMs,
  retryStrategy: (attempt: number) => Math.min(attempt * 100, 1000),
});

const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

const decodeOrThrow = (json: string): StoredRequest => {
  const decoded = decodeStoredRequest(json);
  if (!decoded.ok) throw new StoreUnavailableError(`${decoded.issue.message}: ${decoded.issue.details?.join('; ') ?? ''}`);
  return decoded.value;
};

/** A notification from the channel, or null for anything that is not one of ours. */
const decodeEvent = (message: string): ApprovalEvent | null => {
  try {
    const event = JSON.parse(message) as { type?: unknown; request?: unknown };
    if (event.type !== 'created' && event.type !== 'updated') return null;
    const request = checkStoredRequest(event.request);
    return request.ok ? { type: event.type, request: request.value } : null;
  } catch {
    return null; // not JSON: listeners re-read requests anyway, a foreign message must not reach them
  }
};

export const createRedisApprovalStore = (options: RedisApprovalStoreOptions): ApprovalStore => {
  const clock = options.clock ?? (() => new Date());
  const retentionMs = options.retentionMs ?? DEFAULT_RETENTION_MS;
  const timeoutMs = options.timeoutMs ?? 2000;
  const keys = redisApprovalKeys(options.keyPrefix ?? DEFAULT_KEY_PREFIX);
  const owned = options.url !== undefined;
  const redis = options.url !== undefined ? new Redis(options.url, redisConnectionOptions(timeoutMs)) : options.redis;
  // Subscribing takes a connection over, so notifications get their own. Resubscribing is done by hand on
  // 'ready' so that we know when the channel is live again and can re-announce what may have been missed.
  const subscriber = redis.duplicate({ ...redisConnectionOptions(timeoutMs), autoResubscribe: false });
  const scripts = defineApprovalScripts(redis, keys);
  const listeners = createApprovalListeners();
  let subscribed = false;
  let lastError: string | undefined;

  const remember = (e: unknown): void => void (lastError = messageOf(e));
  redis.on('error', remember);
  subscriber.on('error', remember);

  async function call<T>(what: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (e) {
      remember(e);
      throw new StoreUnavailableError(`redis ${what} failed: ${messageOf(e)}`, { cause: e });
    }
  }

  const ttlMs = (request: StoredRequest, now: Date): number =>
    Math.max(relevantUntil(request) - now.getTime(), 0) + retentionMs;

  const backend: ApprovalBackend = {
    read: async (id) => {
      const json = await call('GET', () => redis.get(keys.request(id)));
      return json === null ? null : decodeOrThrow(json);
    },
    readByHash: async (commandHash) => {
      const holder = await call('GET', () => redis.get(keys.hash(commandHash)));
      return { holder, request: holder === null ? null : await backend.read(holder) };
    },
    readAll: async () => {
      const ids = await call('ZRANGE', () => redis.zrange(keys.index, 0, -1));
      if (ids.length === 0) return [];
      const docs = await call('MGET', () => redis.mget(ids.map(keys.request)));
      // Requests leave by TTL; their index entries are dropped here, the first time a reader notices.
      const gone = ids.filter((_, i) => docs[i] === null);
      if (gone.length > 0) await call('ZREM', () => redis.zrem(keys.index, ...gone));
      return docs.filter((d): d is string => d !== null).map(decodeOrThrow);
    },
    create: async (request, holder, now) => {
      const reply = await call('create script', () =>
        scripts.create(request, holder, JSON.stringify(request), ttlMs(request, now), Date.parse(request.createdAt)),
      );
      return reply === 1;
    },
    update: async (request, revision, now) => {
      const reply = await call('update script', () => scripts.update(request, revision, JSON.stringify(request), ttlMs(request, now)));
      return reply === 1;
    },
    subscribe: (listener) => listeners.add(listener),
    health: async () => {
      if (redis.status !== 'ready') return { ok: false, reason: `redis is ${redis.status}${lastError === undefined ? '' : ` (${lastError})`}` };
      if (!subscribed) return { ok: false, reason: 'approval notifications are not subscribed yet (redis reconnecting?)' };
      try {
        await redis.ping();
        return { ok: true };
      } catch (e) {
        return { ok: false, reason: `redis did not answer PING: ${messageOf(e)}` };
      }
    },
    close: async () => {
      listeners.clear();
      subscriber.disconnect();
      if (owned) redis.disconnect();
    },
  };

  // Whatever changed while the channel was down was published to nobody: re-announce every request held, as
  // `updated`, once the channel is live again (listeners are idempotent; revisions order the events).
  const announceAll = async (): Promise<void> => {
    for (const request of await backend.readAll()) listeners.notify({ type: 'updated', request });
  };

  subscriber.on('close', () => void (subscribed = false));
  subscriber.on('ready', () => {
    subscriber.subscribe(keys.channel).then(
      () => {
        subscribed = true;
        // A failure here means Redis went away again; the next 'ready' announces again.
        announceAll().catch(remember);
      },
      remember,
    );
  });
  subscriber.on('message', (channel: string, message: string) => {
    if (channel !== keys.channel) return;
    const event = decodeEvent(message);
    if (event !== null) listeners.notify(event);
  });

  return createCasApprovalStore(backend, options);
};
