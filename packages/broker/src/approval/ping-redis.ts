// One PING to the Redis an operator configured, for `aws-guard doctor`: connect, answer or time out, and
// disconnect. Never retries and never prints the URL's password.
import { Redis } from 'ioredis';
import { fail, ok, type Result } from '@aws-guard/shared/result';

/** `redis://:secret@host:6379/0` → `redis://host:6379/0`. */
export const redisUrlForDisplay = (url: string): string => {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.toString();
  } catch {
    return '(unparseable Redis URL)';
  }
};

export const pingRedis = async (url: string, timeoutMs = 3000): Promise<Result<string, 'REDIS_UNREACHABLE'>> => {
  const redis = new Redis(url, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, connectTimeout: timeoutMs, commandTimeout: timeoutMs, retryStrategy: () => null });
  let lastError: string | undefined;
  redis.on('error', (e: Error) => void (lastError = e.message));
  try {
    await redis.connect();
    const answer = await redis.ping();
    return ok(answer);
  } catch (e) {
    // The 'error' event holds the cause (ECONNREFUSED); the rejection often only says the connection closed.
    return fail('REDIS_UNREACHABLE', `${redisUrlForDisplay(url)}: ${lastError ?? ((e as Error).message || 'no answer')}`);
  } finally {
    redis.disconnect();
  }
};
