// Both audit stores tell the broker's metrics how long each append took, and whether it became durable
// (audit-log-api.ts onAppend): once per append, after the outcome the caller sees.
import t from 'tap';
import { rename, rm, symlink } from 'node:fs/promises';
import { Redis } from 'ioredis';
import type { AuditEvent } from '@aws-guard/shared/audit/audit-record';
import { createAuditLog } from '@aws-guard/broker/audit/audit-log';
import { createRedisAuditLog } from '@aws-guard/broker/audit/redis-audit-log';
import { startRedis } from '../../../../test/helpers/redis.js';

const event = (n: number): AuditEvent => ({
  type: 'command.requested', requestId: `req-${n}`, actor: { kind: 'agent', agent: 'claude', human: 'alice' },
  data: { argv: ['s3api', 'list-buckets'] },
});

const observer = () => {
  const seen: Array<{ seconds: number; ok: boolean }> = [];
  return { seen, onAppend: (seconds: number, ok: boolean) => void seen.push({ seconds, ok }) };
};

t.test('embedded store: each durable append is observed ok, a failed one not ok, a refused event not at all', async (t) => {
  const { seen, onAppend } = observer();
  const log = await createAuditLog({ dir: t.testdir(), onAppend });
  t.teardown(() => log.close());
  await Promise.all([1, 2, 3].map((n) => log.append(event(n))));
  t.same(seen.map((s) => s.ok), [true, true, true]);
  t.ok(seen.every((s) => s.seconds >= 0 && s.seconds < 60), 'seconds, not milliseconds');
  await rename(log.path, `${log.path}.aside`);
  await symlink('/dev/full', log.path);
  await t.rejects(log.append(event(4)), { code: 'AUDIT_NOT_REGULAR_FILE' });
  await rm(log.path);
  await rename(`${log.path}.aside`, log.path);
  await t.rejects(log.append({ ...event(5), type: 'no.such.type' } as unknown as AuditEvent), { code: 'AUDIT_INVALID_EVENT' });
  await new Promise((resolve) => setImmediate(resolve));
  t.same(seen.map((s) => s.ok), [true, true, true, false], 'the failed append is observed; the invalid event never reached the store');
});

t.test('redis store: each durable append is observed ok, one Redis refuses is observed not ok', async (t) => {
  const server = await startRedis();
  t.teardown(() => server.stop());
  const { seen, onAppend } = observer();
  const keyPrefix = `aws-guard-observer-${process.pid}:`;
  const log = await createRedisAuditLog({ url: server.url, keyPrefix, onAppend });
  t.teardown(() => log.close().catch(() => undefined));
  await log.append(event(1));
  await log.append(event(2));
  t.same(seen.map((s) => s.ok), [true, true]);
  // A Redis that lost the chain's head refuses the next append (redis-audit-log.test.ts).
  const client = new Redis(server.url, { maxRetriesPerRequest: 0 });
  t.teardown(() => client.disconnect());
  await client.del(`${keyPrefix}audit`, `${keyPrefix}audit-head`);
  await t.rejects(log.append(event(3)), { code: 'AUDIT_LOG_DIVERGED' });
  await new Promise((resolve) => setImmediate(resolve));
  t.same(seen.map((s) => s.ok), [true, true, false]);
});
