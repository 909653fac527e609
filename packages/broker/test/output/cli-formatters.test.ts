// Thousands of random documents, queries, terminal widths and --color settings rendered by the broker and by
// the installed CLI's own formatters (run in its Python): stdout, stderr and exit code must be identical. The
// formatters are given the broker's own query result, so that this compares the rendering; what a query computes
// (the JMESPath library's, not Python's) is apply-query.test.ts's comparison. A query that fails must fail in both.
import t, { type Test } from 'tap';
import { applyQuery } from '@aws-guard/broker/output/apply-query';
import { parseCliJson } from '@aws-guard/broker/output/parse-cli-json';
import { renderJson } from '@aws-guard/broker/output/render-json';
import { runCliFormatters, type FormatCase } from './awscli-harness.js';
import { matchesCli, renderCase } from './render-case.js';
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
  // The broker's query result as a one-item list of JSON (Python reads back its floats and key order), `[0]` its query.
  const asCli = cases.map((c, i): FormatCase => {
    if (c.query === null) return c;
    const selected = applyQuery(parseCliJson(printed[i]!.stdout), c.query);
    return selected.ok ? { ...c, doc: renderJson([selected.value]), query: '[0]' } : c;
  });
  const expected = await runCliFormatters(asCli);
  const differ = cases.filter((c, i) => !matchesCli(renderCase(c, printed[i]!.stdout), expected[i]!, c));
  t.same(differ, [], `${count} cases, ${expected.filter((e) => e.code !== 0).length} of them CLI errors`);
};

t.test('json', (t) => compare(t, ['json'], 1, 600));
t.test('text', (t) => compare(t, ['text'], 2, 800));
t.test('table, at several widths, with and without colour', (t) => compare(t, ['table'], 3, 1000));
