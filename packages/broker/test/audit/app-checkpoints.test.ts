// The wiring in app.ts: a broker that starts and stops cleanly creates its audit key and ends its log with a
// checkpoint that verifies with it. Starts the real app in-process (needs the AWS CLI on PATH, as the e2e tests do).
import t from 'tap';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { createApp } from '@aws-guard/broker/app';
import { loadBrokerConfig } from '@aws-guard/broker/config/load-config';
import { auditDirOf, auditFilePath } from '@aws-guard/broker/audit/audit-files';
import { readAuditPublicKey } from '@aws-guard/broker/audit/audit-signing-key';
import { verifyAuditFile } from '@aws-guard/broker/audit/verify-audit-file';
import { readLines } from './signed-log.js';

t.test('start then stop: key 0600 created, log ends with a checkpoint after broker.stopped, verifies', async (t) => {
  const dataDir = t.testdir();
  const config = loadBrokerConfig({ flags: { dataDir, listen: '127.0.0.1:0' }, env: { PATH: process.env['PATH'] }, configFile: undefined, cwd: dataDir });
  if (!config.ok) throw new Error(config.issue.message);
  const sink = { write: () => true } as unknown as NodeJS.WritableStream;
  const app = await createApp(config.value, { env: { PATH: process.env['PATH'] }, stderr: sink, version: 'test' });
  if (!app.ok) throw new Error(`${app.issue.message}: ${(app.issue.details ?? []).join('; ')}`);
  await app.value.start();
  await app.value.stop('test');
  t.equal((await stat(join(dataDir, 'keys', 'audit-ed25519.pem'))).mode & 0o777, 0o600);
  const path = auditFilePath(auditDirOf(dataDir));
  const types = (await readLines(path)).map((l) => (JSON.parse(l) as { type: string }).type);
  t.same(types.slice(-2), ['broker.stopped', 'audit.checkpoint']);
  t.match(await verifyAuditFile(path, await readAuditPublicKey(dataDir)), { ok: true, checkpoints: 1, unsigned: 0 });
});

t.test('the checkpoint cadence comes from the config, and broker.started records the audit settings', async (t) => {
  const dataDir = t.testdir();
  const env = { PATH: process.env['PATH'], AWS_GUARD_AUDIT_CHECKPOINT_RECORDS: '1', AWS_GUARD_AUDIT_SEGMENT_BYTES: '2097152' };
  const config = loadBrokerConfig({ flags: { dataDir, listen: '127.0.0.1:0' }, env, configFile: undefined, cwd: dataDir });
  if (!config.ok) throw new Error(config.issue.message);
  const sink = { write: () => true } as unknown as NodeJS.WritableStream;
  const app = await createApp(config.value, { env: { PATH: process.env['PATH'] }, stderr: sink, version: 'test' });
  if (!app.ok) throw new Error(`${app.issue.message}: ${(app.issue.details ?? []).join('; ')}`);
  await app.value.start();
  await app.value.stop('test');
  const records = (await readLines(auditFilePath(auditDirOf(dataDir)))).map((l) => JSON.parse(l) as { type: string; data: Record<string, unknown> });
  // Every 1 record: each record is followed by its checkpoint (the default, 1000, would give one at the end only).
  t.same(records.map((r) => r.type === 'audit.checkpoint' ? 'C' : 'r'), records.map((_, i) => (i % 2 === 0 ? 'r' : 'C')));
  t.ok(records.length >= 4);
  t.same(records[0]?.data['audit'], { segmentBytes: 2_097_152, checkpointRecords: 1, checkpointSeconds: 60 });
  t.match(await verifyAuditFile(auditFilePath(auditDirOf(dataDir)), await readAuditPublicKey(dataDir)), { ok: true, unsigned: 0 });
});
