import t, { type Test } from 'tap';
import { Redis } from 'ioredis';
import { createRedisApprovalStore, type RedisApprovalStoreOptions } from '@aws-guard/broker/approval/redis-approval-store';
import type { ApprovalResult } from '@aws-guard/broker/approval/approval-store';
import { startRedis } from '../../../../test/helpers/redis.js';
import { approvalStoreSuite } from './approval-store-suite.js';
import { MINUTE, approvalInput, approver, createTestClock, openStore, recordEvents, until } from './approval-fixtures.js';

const server = await startRedis();
t.teardown(() => server.stop());

let prefixes = 0;
// Each test gets its own key space on the one server, as separate deployments would.
const nextPrefix = () => `aws-guard-test-${process.pid}-${++prefixes}:`;
const codeOf = (result: ApprovalResult<unknown>): string => (result.ok ? 'ok' : result.issue.code);
const valueOf = <T>(result: ApprovalResult<T>): T => {
  if (!result.ok) throw new Error(`${result.issue.code}: ${result.issue.message}`);
  return result.value;
};

/** A plain client to look at (or tamper with) what the store wrote. */
const inspect = (t: Test, url = server.url) => {
  const client = new Redis(url, { maxRetriesPerRequest: 0 });
  client.on('error', () => undefined);
  t.teardown(() => client.disconnect());
  return client;
};

type StoreOptions = Partial<Omit<RedisApprovalStoreOptions, 'url' | 'redis'>>;
const open = (t: Test, options: StoreOptions & { keyPrefix: string }, url = server.url) =>
  openStore(t, () => createRedisApprovalStore({ url, ...options }));

t.test('the shared suite on a real redis-server', async (t) => {
  approvalStoreSuite(t, (options) => createRedisApprovalStore({ url: server.url, keyPrefix: nextPrefix(), ...options }));
});

t.test('two brokers on one Redis are one system: requests, decisions and notifications cross', async (t) => {
  const keyPrefix = nextPrefix();
  const clock = createTestClock();
  const a = await open(t, { keyPrefix, clock: clock.now });
  const b = await open(t, { keyPrefix, clock: clock.now });
  const seenByA = recordEvents(a);
  const seenByB = recordEvents(b);
  const r = valueOf(await a.request(approvalInput())).request;
  await seenByB.next('created on A, seen on B', (e) => e.type === 'created' && e.request.id === r.id);
  t.same(valueOf(await b.list({ states: ['pending'] })).map((x) => x.id), [r.id]);
  valueOf(await b.approve(r.id, approver('bob'), 'ok from broker B'));
  await seenByA.next('approved on B, seen on A', (e) => e.request.id === r.id && e.request.state === 'approved');
  valueOf(await a.consume(r.id));
  t.equal(codeOf(await b.consume(r.id)), 'APPROVAL_ALREADY_EXECUTED', 'single use holds across brokers');
  t.equal(valueOf(await b.get(r.id)).state, 'executed');
});

t.test('two brokers asking for the same command at once join one request', async (t) => {
  const keyPrefix = nextPrefix();
  const a = await open(t, { keyPrefix });
  const b = await open(t, { keyPrefix });
  const input = approvalInput();
  const results = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).request({ ...input, requestId: `req_${i}` })));
  const outcomes = results.map(valueOf);
  t.equal(new Set(outcomes.map((o) => o.request.id)).size, 1);
  t.equal(outcomes.filter((o) => o.outcome === 'created').length, 1);
  const votes = await Promise.all([a.approve(outcomes[0]!.request.id, approver('bob')), b.deny(outcomes[0]!.request.id, approver('carol'), 'no')]);
  t.equal(votes.filter((v) => v.ok).length, 1, 'an approve on A and a deny on B: one wins');
});

t.test('pending and approved requests survive a new store instance (a broker restart)', async (t) => {
  const keyPrefix = nextPrefix();
  const first = createRedisApprovalStore({ url: server.url, keyPrefix });
  const waiting = valueOf(await first.request(approvalInput())).request;
  const granted = valueOf(await first.request(approvalInput())).request;
  valueOf(await first.approve(granted.id, approver('bob')));
  await first.close();
  const second = await open(t, { keyPrefix });
  t.same(valueOf(await second.list()).map((r) => [r.id, r.state]).sort(), [[waiting.id, 'pending'], [granted.id, 'approved']].sort());
  valueOf(await second.approve(waiting.id, approver('carol')));
  valueOf(await second.consume(granted.id));
});

t.test('keys carry a TTL, and key prefixes keep deployments apart', async (t) => {
  const keyPrefix = nextPrefix();
  const store = await open(t, { keyPrefix, retentionMs: 60 * MINUTE });
  const r = valueOf(await store.request(approvalInput({ pendingMs: 10 * MINUTE }))).request;
  const ttl = await inspect(t).pttl(`${keyPrefix}approval:${r.id}`);
  t.ok(ttl > 60 * MINUTE && ttl <= 70 * MINUTE, `request key expires after its wait plus retention (pttl ${ttl})`);
  t.ok((await inspect(t).pttl(`${keyPrefix}approval-hash:${r.commandHash}`)) > 0, 'so does the hash index entry');
  const elsewhere = await open(t, { keyPrefix: nextPrefix() });
  t.equal(codeOf(await elsewhere.get(r.id)), 'APPROVAL_NOT_FOUND');
});

t.test('a record Redis holds in an unknown shape fails closed', async (t) => {
  const keyPrefix = nextPrefix();
  const store = await open(t, { keyPrefix });
  const r = valueOf(await store.request(approvalInput())).request;
  const client = inspect(t);
  await client.set(`${keyPrefix}approval:${r.id}`, JSON.stringify({ ...r, state: 'approved-by-magic' }));
  t.match(await store.get(r.id), { ok: false, issue: { code: 'STORE_UNAVAILABLE', message: /unknown shape/ } });
  t.equal(codeOf(await store.consume(r.id)), 'STORE_UNAVAILABLE');
  await client.set(`${keyPrefix}approval:${r.id}`, '{not json');
  t.equal(codeOf(await store.list()), 'STORE_UNAVAILABLE');
});

t.test('a connection the caller owns is used, and left open on close', async (t) => {
  const redis = inspect(t);
  const store = createRedisApprovalStore({ redis, keyPrefix: nextPrefix() });
  await until('healthy', async () => (await store.health()).ok);
  valueOf(await store.request(approvalInput()));
  await store.close();
  t.equal(await redis.ping(), 'PONG');
});

t.test('after the notification connection drops, every request is announced again', async (t) => {
  const store = await open(t, { keyPrefix: nextPrefix() });
  const r = valueOf(await store.request(approvalInput())).request;
  const events = recordEvents(store);
  await inspect(t).client('KILL', 'TYPE', 'pubsub');
  const again = await events.next('re-announced', (e) => e.type === 'updated' && e.request.id === r.id);
  t.equal(again.request.state, 'pending', 'no transition happened: this is the resync');
});

t.test('Redis killed mid-flow: values with STORE_UNAVAILABLE, then recovery on the same port', async (t) => {
  const own = await startRedis();
  t.teardown(() => own.stop());
  const store = await open(t, { keyPrefix: nextPrefix() }, own.url);
  const r = valueOf(await store.request(approvalInput())).request;
  await own.kill();
  const results = [
    await store.approve(r.id, approver('bob')), await store.deny(r.id, approver('bob'), 'no'), await store.consume(r.id),
    await store.get(r.id), await store.list(), await store.request(approvalInput()), await store.cancel(r.id, 'op', 'x'),
    await store.sweep(),
  ];
  t.same(results.map(codeOf), Array(results.length).fill('STORE_UNAVAILABLE'), 'every call fails closed, none throws');
  t.match(await store.health(), { ok: false, reason: /redis/ });

  const restarted = await startRedis({ port: own.port });
  t.teardown(() => restarted.stop());
  await until('the store recovers by itself', async () => (await store.health()).ok);
  const events = recordEvents(store);
  const fresh = valueOf(await store.request(approvalInput()));
  t.equal(fresh.outcome, 'created');
  await events.next('notifications flow again', (e) => e.type === 'created' && e.request.id === fresh.request.id);
  t.equal(codeOf(await store.get(r.id)), 'APPROVAL_NOT_FOUND', 'a Redis without persistence forgot: nothing is approved by accident');
});
