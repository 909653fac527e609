import t from 'tap';
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { createAuditLog } from '@aws-guard/broker/audit/audit-log';
import { auditDirOf, auditFilePath } from '@aws-guard/broker/audit/audit-files';
import { loadOrCreateAuditSigningKey } from '@aws-guard/broker/audit/audit-signing-key';
import { verifyAuditFile } from '@aws-guard/broker/audit/verify-audit-file';
import { TS_LOADER_ARGS } from '../../../../test/helpers/ts-child.js';

const TERMINAL = new Set(['command.executed', 'command.refused', 'command.cancelled', 'command.failed']);

/** Runs the fixture until it has acknowledged `acks` requests, then SIGKILLs it; resolves the acked ids. */
function runUntilKilled(dataDir: string, acks: number): Promise<{ acked: string[]; signal: string | null; stderr: string }> {
  const fixture = fileURLToPath(new URL('./fixtures/append-until-killed.ts', import.meta.url));
  // Without tap's NODE_OPTIONS: its process-info hook has nothing to do in a child that is killed anyway.
  const { NODE_OPTIONS: _tapHook, ...env } = process.env;
  const child = spawn(process.execPath, [...TS_LOADER_ARGS, fixture, dataDir], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => {
    out += text;
    if (out.split('\n').length > acks) child.kill('SIGKILL');
  });
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  return new Promise((resolve) => child.on('exit', (_code, signal) =>
    resolve({ acked: out.split('\n').filter((id) => id !== ''), signal, stderr })));
}

t.test('a broker SIGKILLed mid-command leaves a log that verifies, and the next start records what was unfinished', async (t) => {
  const dataDir = t.testdir();
  const path = auditFilePath(auditDirOf(dataDir));
  const { acked, signal, stderr } = await runUntilKilled(dataDir, 300);
  t.equal(signal, 'SIGKILL', stderr);
  t.ok(acked.length >= 300);

  // The oracle, read forward over the whole file: requests without an end, among the complete lines.
  const content = await readFile(path, 'utf8');
  const complete = content.slice(0, content.lastIndexOf('\n') + 1).split('\n').slice(0, -1).map((line) => JSON.parse(line) as { type: string; requestId?: string });
  const open = new Set<string>();
  for (const record of complete) {
    if (record.type === 'command.requested') open.add(record.requestId!);
    else if (TERMINAL.has(record.type)) open.delete(record.requestId!);
  }
  const ids = new Set(complete.map((record) => record.requestId));
  t.ok(acked.every((id) => ids.has(id)), 'every acknowledged request is in the log');
  t.ok(open.has('hung'));

  const key = await loadOrCreateAuditSigningKey(dataDir);
  const log = await createAuditLog({ dir: auditDirOf(dataDir), checkpoints: { signer: key.signer, everyRecords: 50 } });
  const data = log.recovered?.data as { unfinished: Array<{ requestId: string; sessionId: string; argv: string[] }>; count: number; previousStart: number };
  t.same(new Set(data.unfinished.map((entry) => entry.requestId)), open, 'exactly the requests left without an end');
  t.equal(data.count, open.size);
  t.equal(data.previousStart, 1);
  t.match(data.unfinished.find((entry) => entry.requestId === 'hung'), { sessionId: 's0', argv: ['s3', 'sync', '.', 's3://b'] });
  await log.close();
  t.match(await verifyAuditFile(path, key.publicKey), { ok: true, unsigned: 0 }, 'the recovered log verifies, signatures included');
});
