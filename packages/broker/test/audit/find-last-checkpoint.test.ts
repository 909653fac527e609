import t from 'tap';
import { stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MAX_RECORD_BYTES } from '@aws-guard/shared/audit/audit-record';
import { readAuditLines } from '@aws-guard/broker/audit/audit-files';
import { findLastCheckpoint } from '@aws-guard/broker/audit/find-last-checkpoint';
import { readLines, writeSignedLog } from './signed-log.js';

t.test('finds the last checkpoint however far back, across read chunks; null when there is none', async (t) => {
  const table = [
    { name: 'the last line', count: 6, every: 3, close: true, seq: 8 },
    { name: 'before unsigned records', count: 5, every: 3, close: false, seq: 4 },
    { name: 'none', count: 2, every: 10, close: false, seq: null },
  ];
  for (const row of table) {
    const { path } = await writeSignedLog(t.testdir(), row.count, row.every, row.close);
    const found = await findLastCheckpoint(path, (await stat(path)).size);
    t.equal(found?.seq ?? null, row.seq, row.name);
    if (found !== null) {
      const line = (await readLines(path))[found.seq - 1]!;
      t.equal(found.signature, (JSON.parse(line) as { data: { signature: string } }).data.signature, `${row.name}: its signature`);
    }
  }
});

t.test('a checkpoint more than one read chunk (256 KiB) before the end is found', async (t) => {
  const { path } = await writeSignedLog(t.testdir(), 3, 3, false);
  const lines = await readLines(path);
  // Filler lines that are not checkpoints: the scanner must step over them and over the chunk boundary.
  const filler = Array.from({ length: 400 }, (_, i) => `{"filler":${i},"pad":"${'x'.repeat(1500)}"}`);
  await writeFile(path, [...lines, ...filler].map((l) => `${l}\n`).join(''));
  t.ok((await stat(path)).size > 2 * 256 * 1024);
  t.match(await findLastCheckpoint(path, (await stat(path)).size), { seq: 4 });
});

t.test('readAuditLines: lines across chunks arrive whole, an over-long line is cut and the rest skipped', async (t) => {
  const path = join(t.testdir(), 'lines.jsonl');
  const long = 'y'.repeat(MAX_RECORD_BYTES + 600_000); // still unended after more than MAX bytes: cut
  const lines = ['a', 'é'.repeat(200_000), long, 'b', 'c'.repeat(300_000), 'd'];
  await writeFile(path, `${lines.join('\n')}\ntorn`);
  const reader = readAuditLines(path);
  const got: string[] = [];
  for await (const line of reader.lines) got.push(line);
  t.same(got.map((l) => l.length), [1, 200_000, MAX_RECORD_BYTES + 1, 1, 300_000, 1]);
  t.equal(got[1], lines[1], 'multi-byte characters split across chunks decode intact');
  t.same(reader.tornTail(), { bytes: 4 });
});
