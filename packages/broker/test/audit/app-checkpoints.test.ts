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
