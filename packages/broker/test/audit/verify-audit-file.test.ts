import t from 'tap';
import { appendFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createAuditLog } from '@aws-guard/broker/audit/audit-log';
import { verifyAuditFile } from '@aws-guard/broker/audit/verify-audit-file';

async function logOf(dir: string, count: number): Promise<string> {
  const log = await createAuditLog({ dir });
  for (let i = 0; i < count; i++) await log.append({ type: 'broker.started', actor: { kind: 'broker' }, data: { i } });
  await log.close();
  return log.path;
}

t.test('a log written by the broker verifies', async (t) => {
  const path = await logOf(t.testdir(), 3);
  t.match(await verifyAuditFile(path), { ok: true, count: 3, lastSeq: 3 });
});

t.test('the first bad line is named, with the chain codes', async (t) => {
  const path = await logOf(t.testdir(), 3);
  const [a, b, c] = (await readFile(path, 'utf8')).split('\n');
  await writeFile(path, `${a}\n${c}\n${b}\n`);
  t.match(await verifyAuditFile(path), { ok: false, issue: { code: 'AUDIT_SEQ_OUT_OF_ORDER', seq: 3, line: 2 } });
});

t.test('a last line without its newline is a torn tail, even if it is a whole record', async (t) => {
  const path = await logOf(t.testdir(), 2);
  await writeFile(path, (await readFile(path, 'utf8')).slice(0, -1));
  t.match(await verifyAuditFile(path), { ok: false, issue: { code: 'AUDIT_TORN_TAIL', line: 2, seq: null } });
});

t.test('a missing log and an unreadable one are told apart', async (t) => {
  const dir = t.testdir();
  t.match(await verifyAuditFile(join(dir, 'none.jsonl')), { ok: false, issue: { code: 'AUDIT_LOG_MISSING', line: 0 } });
  t.match(await verifyAuditFile(dir), { ok: false, issue: { code: 'AUDIT_LOG_UNREADABLE' } });
});

t.test('a chain problem before a torn tail is reported first', async (t) => {
  const path = await logOf(t.testdir(), 2);
  await writeFile(path, (await readFile(path, 'utf8')).replace('"i":0', '"i":9'));
  await appendFile(path, '{"v":1');
  t.match(await verifyAuditFile(path), { ok: false, issue: { code: 'AUDIT_HASH_MISMATCH', line: 1 } });
});
