import t, { type Test } from 'tap';
import { createServer } from 'node:http';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { createAuditLog } from '@aws-guard/broker/audit/audit-log';
import { createRedisAuditLog } from '@aws-guard/broker/audit/redis-audit-log';
import { loadOrCreateAuditSigningKey } from '@aws-guard/broker/audit/audit-signing-key';
import { connectReader } from '@aws-guard/broker/audit/redis-audit-connection';
import { issueToken } from '@aws-guard/broker/auth/issue-token';
import { loadOrCreateTokenKeys } from '@aws-guard/broker/auth/token-keys';
import { runDoctor, type DoctorOptions } from '../../src/commands/doctor-run.js';
import { startRedis } from '../../../../test/helpers/redis.js';

type Report = { ok: boolean; checks: Array<{ name: string; status: string; reason: string }> };

const PATH = process.env['PATH'] ?? '';

/** A fresh data dir (0700, as the broker makes it) with a short, sound audit chain. */
const dataDir = async (t: Test): Promise<string> => {
  const dir = await mkdtemp(join(tmpdir(), 'aws-guard-doctor-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const log = await createAuditLog({ dir: join(dir, 'audit') });
  await log.append({ type: 'broker.started', actor: { kind: 'broker' }, data: { version: '0.1.0' } });
  await log.append({ type: 'broker.stopped', actor: { kind: 'broker' }, data: { why: 'SIGTERM' } });
  await log.close();
  return dir;
};

const doctor = async (opts: DoctorOptions, env: Record<string, string | undefined> = {}, cwd = process.cwd()) => {
  let stdout = '';
  const sink = { write: (s: string) => ((stdout += s), true) } as unknown as NodeJS.WritableStream;
  const code = await runDoctor(opts, { env: { PATH, ...env }, stdout: sink, stderr: sink, cwd });
  return { code, stdout };
};
const json = async (opts: DoctorOptions, env?: Record<string, string | undefined>) => {
  const { code, stdout } = await doctor({ ...opts, json: true }, env);
  const report = JSON.parse(stdout) as Report;
  const by = Object.fromEntries(report.checks.map((c) => [c.name, c]));
  return { code, report, by };
};

t.test('a healthy broker host: every check OK or WARN, exit 0, in text and in JSON', async (t) => {
  const dir = await dataDir(t);
  const text = await doctor({ dataDir: dir });
  t.equal(text.code, 0, text.stdout);
  t.match(text.stdout, /^OK {4}config {7}valid/m);
  t.match(text.stdout, /^OK {4}aws cli {6}\/.*aws \(aws-cli\/\d+\.\d+\.\d+\)$/m);
  t.match(text.stdout, /^OK {4}isolation {4}bwrap \d+\.\d+\.\d+ \(.*bwrap\)/m);
  t.match(text.stdout, new RegExp(`^OK {4}data dir {5}${dir} is writable$`, 'm'));
  t.match(text.stdout, /^OK {4}audit chain {2}.*audit\.jsonl: 2 records verify \(last seq 2\)$/m);
  t.match(text.stdout, /^OK {4}policy {7}built-in default policy .*: valid, \d+ rules?, sha256 [0-9a-f]{12}…$/m);
  t.match(text.stdout, /^WARN  agent token  no AWS_GUARD_TOKEN/m);
  t.match(text.stdout, /\nno failures, 1 warning\n$/);

  const { code, report, by } = await json({ dataDir: dir });
  t.equal(code, 0);
  t.equal(report.ok, true);
  t.same(report.checks.map((c) => c.name), ['config', 'aws cli', 'isolation', 'executor', 'data dir', 'audit chain', 'policy', 'agent token'], 'redis and broker only when asked for');
  t.match(by['isolation'], { status: 'OK', reason: /^bwrap/ });
  // exec.executor defaults to auto: warm, under bwrap where isolation is bwrap.
  t.match(by['executor'], { status: 'OK', reason: /^warm \(2 workers under bwrap, / });
});

t.test('the executor line says which executor the broker would use, and why not warm', async (t) => {
  const dir = await dataDir(t);
  const warm = await json({ dataDir: dir, isolation: 'none' }, { AWS_GUARD_EXECUTOR: 'auto', AWS_GUARD_EXEC_WORKERS: '3' });
  t.match(warm.by['executor'], { status: 'OK', reason: /^warm \(3 workers, \/.*python\S* \d+\.\d+\.\d+, awscli \d+\.\d+\.\d+, botocore / });
  const bwrap = await json({ dataDir: dir }, { AWS_GUARD_EXECUTOR: 'warm' });
  t.match(bwrap.by['executor'], { status: 'OK', reason: /^warm \(2 workers under bwrap, / });
  const spawned = await json({ dataDir: dir }, { AWS_GUARD_EXECUTOR: 'spawn' });
  t.match(spawned.by['executor'], { status: 'OK', reason: /^spawn \(exec\.executor is spawn\)$/ });
});

t.test('isolation none is a warning; bwrap asked for where it is missing is a failure', async (t) => {
  const dir = await dataDir(t);
  t.match((await json({ dataDir: dir, isolation: 'none' })).by['isolation'], { status: 'WARN', reason: /^none \(isolation: none configured\): the CLI can read every file/ });
  // A PATH with node and the CLI but no bwrap. The CLI is named by path: resolving it needs no PATH.
  const cli = (await json({ dataDir: dir })).by['aws cli']!.reason.split(' ')[0]!;
  const bin = t.testdir({});
  await symlink(process.execPath, join(bin, 'node'));
  const noBwrap = await json({ dataDir: dir, isolation: 'bwrap', awsCli: cli }, { PATH: bin });
  t.equal(noBwrap.code, 1);
  t.match(noBwrap.by['isolation'], { status: 'FAIL', reason: /bwrap is configured but bwrap is not on PATH/ });
  const auto = await json({ dataDir: dir, awsCli: cli }, { PATH: bin });
  t.match(auto.by['isolation'], { status: 'WARN', reason: /^none \(bwrap not found on PATH\)/ });
});

t.test('a tampered audit chain, a bad policy and a bad config each FAIL and set exit 1', async (t) => {
  const dir = await dataDir(t);
  const audit = join(dir, 'audit', 'audit.jsonl');
  await writeFile(audit, (await readFile(audit, 'utf8')).replace('SIGTERM', 'SIGKILL'));
  const tampered = await json({ dataDir: dir });
  t.equal(tampered.code, 1);
  t.match(tampered.by['audit chain'], { status: 'FAIL', reason: /does NOT verify at line 2/ });

  const files = t.testdir({ 'policy.yaml': 'version: 1\nrules:\n  - id: x\n    effect: maybe\n', 'aws-guard.yaml': 'listen: nowhere\nbogus: 1\n' });
  const policy = await json({ dataDir: await dataDir(t), policy: join(files, 'policy.yaml') });
  t.equal(policy.code, 1);
  t.match(policy.by['policy'], { status: 'FAIL', reason: /policy\.yaml/ });

  const config = await json({ dataDir: await dataDir(t), config: join(files, 'aws-guard.yaml') });
  t.equal(config.code, 1);
  t.match(config.by['config'], { status: 'FAIL', reason: /^invalid: .*listen: must be HOST:PORT.*bogus/ });
  t.match(config.by['aws cli'], { status: 'OK' }, 'the other checks still run');
});

t.test('Redis is checked when given, and its password never shows', async (t) => {
  const redis = await startRedis();
  t.teardown(redis.stop);
  const up = await json({ dataDir: await dataDir(t), redis: `redis://:s3cret@127.0.0.1:${redis.port}` });
  t.match(up.by['redis'], { status: 'OK', reason: `redis://127.0.0.1:${redis.port} answers PONG` });
  await redis.stop();
  const down = await json({ dataDir: await dataDir(t), redis: `redis://:s3cret@127.0.0.1:${redis.port}` });
  t.equal(down.code, 1);
  t.match(down.by['redis'], { status: 'FAIL', reason: /unreachable: redis:\/\/127\.0\.0\.1:\d+\/?: .*ECONNREFUSED/ });
  t.notMatch(JSON.stringify([up.report, down.report]), 's3cret');
});

t.test('with Redis the audit check verifies the shared chain in the stream, not the data dir', async (t) => {
  const redis = await startRedis();
  t.teardown(redis.stop);
  const dir = await dataDir(t);
  const empty = await json({ dataDir: dir, redis: redis.url });
  t.match(empty.by['audit chain'], { status: 'WARN', reason: /stream aws-guard:audit is empty/ });
  const key = await loadOrCreateAuditSigningKey(dir);
  const log = await createRedisAuditLog({ url: redis.url, checkpoints: { signer: key.signer }, broker: { id: 'doctor-test', fresh: true } });
  for (let i = 0; i < 5; i++) await log.append({ type: 'policy.loaded', actor: { kind: 'broker' }, data: { n: i } });
  await log.close();
  const sound = await json({ dataDir: dir, redis: redis.url });
  t.match(sound.by['audit chain'], { status: 'OK', reason: /stream aws-guard:audit: 6 records verify \(last seq 6\)/ });
  // An edited entry (the stream rewritten with one value changed: entries cannot be edited in place).
  const { redis: client, close } = await connectReader(redis.url, 3000, 1000);
  t.teardown(close);
  const entries = (await client.xrange('aws-guard:audit', '-', '+')) as Array<[string, string[]]>;
  await client.del('aws-guard:audit');
  for (const [id, fields] of entries) {
    const line = fields[fields.indexOf('r') + 1]!;
    await client.xadd('aws-guard:audit', id, 'r', id === '0-3' ? line.replace('"n":2', '"n":7') : line);
  }
  const bad = await json({ dataDir: dir, redis: redis.url });
  t.equal(bad.code, 1);
  t.match(bad.by['audit chain'], { status: 'FAIL', reason: /does NOT verify at seq 3: AUDIT_HASH_MISMATCH/ });
});

t.test('the broker in AWS_GUARD_URL: ready, not ready, unreachable', async (t) => {
  let ready = true;
  const server = createServer((req, res) => {
    res.writeHead(req.url === '/readyz' && ready ? 200 : 503, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ ready, checks: { audit: 'ok', store: ready ? 'embedded' : 'redis unavailable: ECONNREFUSED' } }));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const keys = await loadOrCreateTokenKeys(t.testdir({}));
  const token = (await issueToken(keys, { agent: 'claude', human: 'alice', role: 'agent', ttlMs: 3_600_000 })).token;
  const env = { AWS_GUARD_URL: `ws://127.0.0.1:${port}`, AWS_GUARD_TOKEN: token };
  const dir = await dataDir(t);

  const good = await json({ dataDir: dir }, env);
  t.equal(good.code, 0);
  t.match(good.by['broker'], { status: 'OK', reason: `http://127.0.0.1:${port}/readyz is ready (audit: ok, store: embedded)` });
  t.match(good.by['agent token'], { status: 'OK', reason: /^agent claude for alice, role agent/ });
  t.notMatch(JSON.stringify(good.report), token.split('.')[2]!, 'the token is never printed');

  ready = false;
  t.match((await json({ dataDir: dir }, env)).by['broker'], { status: 'FAIL', reason: /is not ready: audit: ok, store: redis unavailable: ECONNREFUSED/ });
  server.close();
  await once(server, 'close');
  t.match((await json({ dataDir: dir }, env)).by['broker'], { status: 'FAIL', reason: /unreachable \(ECONNREFUSED\)/ });
});
