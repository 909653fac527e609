import t, { type Test } from 'tap';
import { open, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readFileTail } from '@aws-guard/broker/audit/read-file-tail';
import { readAuditLines, readLastLines } from '@aws-guard/broker/audit/audit-files';

const CHUNK = 64 * 1024;

async function tailOf(tt: Test, content: string | Buffer, maxLines: number, maxBytes?: number) {
  const path = join(tt.testdir(), 'f');
  await writeFile(path, content);
  const fh = await open(path, 'r');
  try {
    return await readFileTail(fh, (await fh.stat()).size, maxLines, maxBytes);
  } finally {
    await fh.close();
  }
}

t.test('finds the last lines and the torn bytes after the last newline', async (t) => {
  const tail = await tailOf(t, 'a\nbb\nccc\ndd', 2);
  t.same(tail.lines, ['bb', 'ccc']);
  t.equal(tail.completeEnd, 9);
  t.equal(tail.torn.toString(), 'dd');
});

t.test('returns every line when fewer exist than asked for', async (t) => {
  t.same((await tailOf(t, 'a\nb\n', 5)).lines, ['a', 'b']);
  t.same(await tailOf(t, '', 5), { lines: [], completeEnd: 0, torn: Buffer.alloc(0) });
  t.same((await tailOf(t, 'only torn', 1)).torn.toString(), 'only torn');
});

t.test('reads back across chunks for lines longer than one chunk, multi-byte characters included', async (t) => {
  const long = 'é'.repeat(CHUNK); // 2 bytes each: the line spans three chunks and a character straddles a boundary
  const tail = await tailOf(t, `first\n${long}\nlast\n`, 2);
  t.same(tail.lines, [long, 'last']);
  t.equal(tail.torn.length, 0);
});

t.test('stops at maxBytes and says when no newline was found within them', async (t) => {
  const tail = await tailOf(t, `a\n${'x'.repeat(100)}`, 1, 50);
  t.equal(tail.completeEnd, null);
  t.same(tail.lines, []);
});

t.test('readLastLines leaves a torn last line out', async (t) => {
  const path = join(t.testdir(), 'audit.jsonl');
  await writeFile(path, '1\n2\n3\n4');
  t.same(await readLastLines(path, 2), ['2', '3']);
});

t.test('readAuditLines yields complete lines and reports a torn tail', async (t) => {
  const path = join(t.testdir(), 'audit.jsonl');
  const long = 'y'.repeat(3 * CHUNK);
  await writeFile(path, `a\n${long}\n\nb\ntorn`);
  const reader = readAuditLines(path);
  const seen: string[] = [];
  for await (const line of reader.lines) seen.push(line);
  t.same(seen, ['a', long, '', 'b']);
  t.same(reader.tornTail(), { bytes: 4 });
});

t.test('readAuditLines cuts a line longer than any record instead of buffering it whole', async (t) => {
  const path = join(t.testdir(), 'audit.jsonl');
  await writeFile(path, `${'z'.repeat(3 * 1024 * 1024)}\nnext\n`);
  const seen: string[] = [];
  for await (const line of readAuditLines(path).lines) seen.push(line);
  t.same(seen.map((l) => l.length), [1024 * 1024 + 1, 4]);
});
