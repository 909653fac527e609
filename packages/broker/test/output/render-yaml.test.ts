// `--output yaml` and `yaml-stream` (CLI v2) against what a real CLI v2 printed (aws-cli 2.9.19, Debian's
// package: ruamel.yaml 0.17.21 with its C emitter), kept in fixtures/yaml-v2-golden.json since v2 is not installed
// here. Re-record with AWS_GUARD_RECORD_YAML_V2=<python that imports v2's awscli> [AWS_GUARD_V2_SITE=<site dir>].
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES, runCliFormatters, type FormatCase, type FormatResult } from './awscli-harness.js';
import { RESHAPING_QUERIES, randomDocument, seededAsRecorded } from './random-documents.js';
import { matchesCli, renderCase } from './render-case.js';

const GOLDEN = join(FIXTURES, 'yaml-v2-golden.json');

/** Shapes YAML treats specially, beside the random ones: folding, long and multi-line keys, anchors, escapes. */
const EDGES: readonly FormatCase[] = [
  { doc: JSON.stringify({ long: 'word '.repeat(40).trim(), quoted: `'${'word '.repeat(20)}x`, dq: `tab\t${'w '.repeat(50)}` }), query: null, format: 'yaml' },
  { doc: JSON.stringify({ [`k${'x'.repeat(130)}`]: 1, 'multi\nline': 2, ['é'.repeat(70)]: 3 }), query: null, format: 'yaml' },
  { doc: JSON.stringify({ a: [{ b: [1, { c: [] }] }], d: [[[]]] }), query: '[a, a[0], a, d]', format: 'yaml' },
  { doc: JSON.stringify({ s: ['', ' ', '-', '- x', '?', ':', 'a:b', 'a: b', '#', 'a #b', '---', '...', '@x', 'null', 'Null', '~', '0o7', '0x1', '+1', '.5', '1_0', '<<', '='] }), query: 's', format: 'yaml' },
  { doc: JSON.stringify({ s: ['😀', 'a\u0085b', 'a\u2028b', '\ufeff', 'x\u0000y', 'é', '\u00a0', 'line\n', '\nline', 'a\n b', 'a \nb'] }), query: 's', format: 'yaml' },
  { doc: JSON.stringify({ n: [1e16, -0.5, 1e-5, 12345678901234567890] }).replace('10000000000000000', '1e+16'), query: null, format: 'yaml' },
  { doc: '{"t": 1764180000.0, "z": NaN, "i": Infinity, "m": -Infinity}', query: null, format: 'yaml-stream' },
  { doc: '{}', query: null, format: 'yaml' },
  { doc: '{}', query: null, format: 'yaml-stream' },
  { doc: '{"a": 1}', query: 'nope', format: 'yaml' },
  { doc: '{"a": 1}', query: 'nope', format: 'yaml-stream' },
  { doc: '{"a": 1}', query: '`[]`', format: 'yaml' },
];

const cases = (): FormatCase[] => {
  const r = seededAsRecorded(17);
  const random = Array.from({ length: 240 }, () => ({ doc: randomDocument(r), query: r.pick(RESHAPING_QUERIES), format: r.pick(['yaml', 'yaml-stream']) }));
  return [...EDGES, ...random];
};

const recordWith = process.env['AWS_GUARD_RECORD_YAML_V2'];
if (recordWith !== undefined) {
  const site = process.env['AWS_GUARD_V2_SITE'];
  const code = `import site\n${site === undefined ? '' : `site.addsitedir(${JSON.stringify(site)})\n`}exec(open(${JSON.stringify(join(FIXTURES, 'awscli-format.py'))}).read())`;
  const out = execFileSync(recordWith, ['-c', code], { input: JSON.stringify(cases()), maxBuffer: 1 << 28 }).toString();
  writeFileSync(GOLDEN, `${JSON.stringify(JSON.parse(out) as FormatResult[], null, 1)}\n`);
}

t.test('yaml and yaml-stream render as CLI v2 printed them', async (t) => {
  const all = cases();
  const golden = JSON.parse(readFileSync(GOLDEN, 'utf8')) as FormatResult[];
  t.equal(golden.length, all.length, 'one recorded result per case');
  const printed = await runCliFormatters(all.map((c) => ({ doc: c.doc, query: null, format: 'json' })));
  // The YAML is compared on the value the CLI's jmespath gives: the broker's own where it prints the same JSON
  // (identity kept, for anchors), else Python's read back. What the library computes otherwise (to_string(@)…)
  // is apply-query.test.ts's comparison.
  const queried = await runCliFormatters(all.map((c) => ({ doc: c.doc, query: c.query, format: 'json' })));
  const mine = (c: FormatCase, i: number) => {
    const rendered = renderCase(c, printed[i]!.stdout);
    if (c.query === null || rendered.queryFailed || renderCase({ ...c, format: 'json' }, printed[i]!.stdout).stdout === queried[i]!.stdout) return rendered;
    return renderCase({ ...c, query: null }, queried[i]!.stdout);
  };
  const differ = all.filter((c, i) => !matchesCli(mine(c, i), golden[i]!, c));
  t.same(differ, [], `${all.length} cases`);
});
