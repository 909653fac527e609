import t from 'tap';
import { spawnSync } from 'node:child_process';
import { appendFile, readFile, rename, rm, symlink, truncate, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { AuditEvent } from '@aws-guard/shared/audit/audit-record';
import { verifyChain } from '@aws-guard/shared/audit/hash-chain';
import { createAuditLog } from '@aws-guard/broker/audit/audit-log';
import { TS_LOADER_ARGS } from '../../../../test/helpers/ts-child.js';

const event = (n: number): AuditEvent => ({
  type: 'command.requested', requestId: `req-${n}`, actor: { kind: 'agent', agent: 'claude', human: 'alice' },
  data: { argv: ['s3api', 'list-buckets'] },
});

const verifyFile = async (path: string) => verifyChain((await readFile(path, 'utf8')).split('\n').slice(0, -1));

for (const device of ['/dev/full', '/dev/null']) {
  t.test(`an append fails while audit.jsonl is a symlink to ${device}, and the chain continues once it is back`, async (t) => {
    const log = await createAuditLog({ dir: t.testdir() });
    for (let i = 1; i <= 3; i++) await log.append(event(i));
    const head = log.head();
    await rename(log.path, `${log.path}.aside`);
    await symlink(device, log.path);
    await t.rejects(log.append(event(4)), { name: 'AuditAppendError', code: 'AUDIT_NOT_REGULAR_FILE' });
    t.same(log.head(), head, 'the chain state stays at the last durable record');
    await rm(log.path);
    await rename(`${log.path}.aside`, log.path);
    t.equal((await log.append(event(5))).seq, 4);
    t.match(await verifyFile(log.path), { ok: true, count: 4, lastSeq: 4 });
    await log.close();
  });
}

t.test('an append fails when the file was removed, and does not start a new chain', async (t) => {
  const log = await createAuditLog({ dir: t.testdir() });
  await log.append(event(1));
  await rm(log.path);
  await t.rejects(log.append(event(2)), { code: 'AUDIT_WRITE_FAILED', message: /ENOENT/ });
  await t.rejects(readFile(log.path), { code: 'ENOENT' }, 'no empty log was created in its place');
});

t.test('an append is refused when something else wrote to the log, so the chain never forks', async (t) => {
  const dir = t.testdir();
  const log = await createAuditLog({ dir });
  await log.append(event(1));
  const other = await createAuditLog({ dir });
  // The second writer finds req-1 unfinished (its broker looks crashed to it) and records so first.
  t.equal(other.recovered?.type, 'broker.recovered');
  await other.append(event(2));
  await t.rejects(log.append(event(3)), { code: 'AUDIT_LOG_DIVERGED' });
  t.match(await verifyFile(log.path), { ok: true, count: 3 });
});

t.test('an append is refused when the log was truncated behind the broker', async (t) => {
  const log = await createAuditLog({ dir: t.testdir() });
  await log.append(event(1));
  await log.append(event(2));
  await truncate(log.path, 0);
  await t.rejects(log.append(event(3)), { code: 'AUDIT_LOG_DIVERGED' });
});

t.test('after a failure, a file that no longer holds the last durable record is refused, not extended', async (t) => {
  const log = await createAuditLog({ dir: t.testdir() });
  await log.append(event(1));
  const original = await readFile(log.path);
  await rename(log.path, `${log.path}.aside`);
  await t.rejects(log.append(event(2)), { code: 'AUDIT_WRITE_FAILED' });
  await writeFile(log.path, Buffer.from(original.toString('utf8').replace('claude', 'claudf')));
  await t.rejects(log.append(event(3)), { code: 'AUDIT_LOG_DIVERGED' });
  await appendFile(log.path, 'x');
  await t.rejects(log.append(event(4)), { code: 'AUDIT_LOG_DIVERGED' });
});

t.test('a write cut short by a full disk is rolled back; the next append continues a verifying chain', async (t) => {
  // A child process under a file-size limit (set with prlimit, from util-linux): the write crossing it is short,
  // the rest fails with EFBIG, as on a full disk; the child then lifts its own limit and appends again.
  const dir = t.testdir();
  const fixture = fileURLToPath(new URL('./fixtures/append-until-full.ts', import.meta.url));
  t.ok(TS_LOADER_ARGS.every((arg) => process.execArgv.includes(arg)), 'the child loads TypeScript as tap loads this test');
  // Without tap's NODE_OPTIONS, whose process-info hook would write files under the child's size limit.
  const { NODE_OPTIONS: _tapHook, ...env } = process.env;
  const child = spawnSync(process.execPath, [...TS_LOADER_ARGS, fixture, dir, '3000'], { env, encoding: 'utf8' });
  t.equal(child.status, 0, `exit ${child.status} signal ${child.signal}: ${child.stderr}`);
  const report = JSON.parse(child.stdout) as { acked: number; failure: { code: string; message: string }; sizeAfterFailure: number; ackedBytes: number; next: number };
  t.match(report.failure, { code: 'AUDIT_WRITE_FAILED', message: /EFBIG/ });
  t.ok(report.acked > 0);
  t.equal(report.sizeAfterFailure, report.ackedBytes, 'the partial record was cut off the file');
  t.equal(report.next, report.acked + 1);
  t.match(await verifyFile(`${dir}/audit.jsonl`), { ok: true, count: report.acked + 1, lastSeq: report.acked + 1 });
});
