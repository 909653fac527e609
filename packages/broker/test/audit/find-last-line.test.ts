import t from 'tap';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { findLastLine } from '@aws-guard/broker/audit/find-last-line';

// Lines of varied length so that lines straddle the 256 KiB chunks the reader works in.
const lineAt = (i: number): string => `{"n":${i},"pad":"${'x'.repeat((i * 7919) % 20_000)}"${i % 37 === 0 ? ',"mark":true' : ''}}`;

t.test('finds the last accepted line and its exact bytes, across chunk boundaries', async (t) => {
  const path = join(t.testdir(), 'log.jsonl');
  const lines = Array.from({ length: 200 }, (_, i) => lineAt(i + 1));
  await writeFile(path, lines.map((line) => `${line}\n`).join(''));
  const content = await readFile(path);
  const accept = (line: string) => (JSON.parse(line) as { n: number }).n;
  for (const end of [content.length, content.indexOf(`${lineAt(150)}\n`) + lineAt(150).length + 1, lineAt(1).length + 1]) {
    const found = await findLastLine(path, end, ['"mark":true'], accept);
    const before = content.subarray(0, end).toString('utf8').split('\n').slice(0, -1).map((line) => JSON.parse(line) as { n: number; mark?: boolean });
    const expected = before.filter((record) => record.mark === true).at(-1)?.n ?? null;
    t.equal(found?.value ?? null, expected, `the last marked line before byte ${end}`);
    if (found !== null) {
      t.equal(content.subarray(found.start, found.end).toString('utf8'), `${lineAt(found.value)}\n`, 'start and end frame the line and its newline');
    }
  }
});

t.test('a line with the marker that the caller rejects is passed over', async (t) => {
  const path = join(t.testdir(), 'log.jsonl');
  await writeFile(path, 'keep mark 1\nskip mark 2\nno marker\n');
  const found = await findLastLine(path, 34, ['mark'], (line) => (line.startsWith('keep') ? line : null));
  t.same(found, { value: 'keep mark 1', start: 0, end: 12 });
  t.equal(await findLastLine(path, 0, ['mark'], (line) => line), null, 'nothing before byte 0');
});
