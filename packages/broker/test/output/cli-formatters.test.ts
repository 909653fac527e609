// Thousands of random documents, queries, terminal widths and --color settings rendered by the broker and by
// the installed CLI's own formatters (run in its Python): stdout, stderr and exit code must be identical.
import t, { type Test } from 'tap';
import { runCliFormatters, type FormatCase } from './awscli-harness.js';
import { renderCase } from './render-case.js';
import { RESHAPING_QUERIES, randomDocument, seeded } from './random-documents.js';

const compare = async (t: Test, formats: readonly string[], seed: number, count: number): Promise<void> => {
  const r = seeded(seed);
  const cases: FormatCase[] = Array.from({ length: count }, () => ({
    doc: randomDocument(r),
    query: r.pick(RESHAPING_QUERIES),
    format: r.pick(formats),
    columns: r.pick([80, 80, 40, 120, 20]),
    color: r.next() < 0.15,
    title: r.pick(['GetCallerIdentity', 'X', 'DescribeInstancesLongName']),
  }));
  // What the CLI prints with --output json for each document: the broker's input.
  const printed = await runCliFormatters(cases.map((c) => ({ doc: c.doc, query: null, format: 'json' })));
  const expected = await runCliFormatters(cases);
  const differ = cases.filter((c, i) => JSON.stringify(renderCase(c, printed[i]!.stdout)) !== JSON.stringify(expected[i]));
  t.same(differ, [], `${count} cases, ${expected.filter((e) => e.code !== 0).length} of them CLI errors`);
};

t.test('json', (t) => compare(t, ['json'], 1, 600));
t.test('text', (t) => compare(t, ['text'], 2, 800));
t.test('table, at several widths, with and without colour', (t) => compare(t, ['table'], 3, 1000));
