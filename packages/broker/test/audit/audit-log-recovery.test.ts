import t from 'tap';
import { appendFile, mkdir, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AuditEvent } from '@aws-guard/shared/audit/audit-record';
import { GENESIS_HASH, verifyChain } from '@aws-guard/shared/audit/hash-chain';
import { createAuditLog } from '@aws-guard/broker/audit/audit-log';

const event = (n: number): AuditEvent => ({
  type: 'command.executed', requestId: `req-${n}`, actor: { kind: 'broker' }, data: { exitCode: 0, durationMs: n },
});

const lines = async (path: string) => (await readFile(path, 'utf8')).split('\n').slice(0, -1);

async function logWith(dir: string, count: number): Promise<string> {
  const log = await createAuditLog({ dir });
  for (let i = 1; i <= count; i++) await log.append(event(i));
  await log.close();
  return log.path;
}

t.test('a new data dir starts an empty log at the genesis', async (t) => {
  const dir = join(t.testdir(), 'data', 'nested');
  const log = await createAuditLog({ dir });
  t.same(log.head(), { seq: 0, hash: GENESIS_HASH });
  t.same(log.recovery, { state: { seq: 0, hash: GENESIS_HASH, size: 0 }, tornTail: null });
  t.equal((await stat(log.path)).size, 0, 'the file exists from the start');
});

t.test('reopening an existing log continues its chain', async (t) => {
  const dir = t.testdir();
  const path = await logWith(dir, 3);
  const log = await createAuditLog({ dir });
  t.equal(log.head().seq, 3);
  t.equal((await log.append(event(4))).seq, 4);
  t.match(await verifyChain(await lines(path)), { ok: true, count: 4 });
});

t.test('start-up reads only the tail: it trusts the last record and leaves the full check to verify', async (t) => {
  const dir = t.testdir();
  const path = await logWith(dir, 2);
  const content = await readFile(path);
  await writeFile(path, Buffer.concat([Buffer.from('not json, and never read at start-up\n'.repeat(5000)), content]));
  const log = await createAuditLog({ dir });
  t.equal(log.head().seq, 2);
});

t.test('a torn last line is set aside in a side file and the chain continues from the last complete record', async (t) => {
  const dir = t.testdir();
  const path = await logWith(dir, 3);
  const sizeBefore = (await stat(path)).size;
  const torn = '{"v":1,"seq":4,"ts":"2025-01-01T00:00:00.000Z","type":"command.exec';
  await appendFile(path, torn);
  const clock = () => new Date('2025-06-07T08:09:10.111Z');
  const log = await createAuditLog({ dir, clock });
  const savedTo = `audit.jsonl.torn-${sizeBefore}-20250607T080910111Z`;
  t.same(log.recovery.tornTail, { bytes: torn.length, offset: sizeBefore, savedTo });
  t.equal(await readFile(join(dir, savedTo), 'utf8'), torn, 'the torn bytes are kept as evidence');
  t.equal((await stat(path)).size, sizeBefore, 'and cut from the log');
  t.equal((await log.append(event(4))).seq, 4);
  t.match(await verifyChain(await lines(path)), { ok: true, count: 4 });
});

t.test('a whole record without its newline counts as torn: it was never acknowledged', async (t) => {
  const dir = t.testdir();
  const path = await logWith(dir, 2);
  const content = await readFile(path, 'utf8');
  await writeFile(path, content.slice(0, -1));
  const log = await createAuditLog({ dir });
  t.equal(log.head().seq, 1);
  t.equal(log.recovery.tornTail?.bytes, content.split('\n')[1]!.length);
});

t.test('a log holding only a torn line starts again at the genesis', async (t) => {
  const dir = t.testdir({ 'audit.jsonl': '{"v":1,"se' });
  const log = await createAuditLog({ dir });
  t.same(log.head(), { seq: 0, hash: GENESIS_HASH });
  t.equal(log.recovery.tornTail?.bytes, 10);
});

const corruptTails: Array<[string, (content: string) => string]> = [
  ['an edited last record', (c) => c.replace(/"durationMs":3/, '"durationMs":4')],
  ['a last line that is not JSON', (c) => `${c}garbage\n`],
  ['an empty last line', (c) => `${c}\n`],
];

for (const [name, change] of corruptTails) {
  t.test(`start-up refuses a log whose last complete line is ${name}, and leaves it untouched`, async (t) => {
    const dir = t.testdir();
    const path = await logWith(dir, 3);
    const corrupted = change(await readFile(path, 'utf8'));
    await writeFile(path, corrupted);
    await t.rejects(createAuditLog({ dir }), { name: 'AuditOpenError', code: 'AUDIT_TAIL_CORRUPT', message: /audit verify/ });
    t.equal(await readFile(path, 'utf8'), corrupted);
  });
}

t.test('start-up refuses bytes after the last newline longer than any record could be', async (t) => {
  const dir = t.testdir();
  const path = await logWith(dir, 1);
  await appendFile(path, 'x'.repeat(1024 * 1024 + 1));
  await t.rejects(createAuditLog({ dir }), { code: 'AUDIT_TAIL_TOO_LONG' });
  t.same(await readdir(dir), ['audit.jsonl'], 'nothing was set aside');
});

t.test('start-up refuses an audit path that is not a regular file', async (t) => {
  const dir = t.testdir();
  await mkdir(join(dir, 'audit.jsonl'));
  await t.rejects(createAuditLog({ dir }), { code: 'AUDIT_OPEN_FAILED' });
});
