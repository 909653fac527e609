// The agent's --query as the CLI's Python jmespath evaluates it: exact results (including where the JS jmespath
// library differs), the CLI's refusal of a bad expression, Python's errors at run time; then thousands of random
// expressions against the CLI's own jmespath.
import t from 'tap';
import { applyQuery, compileQuery } from '@aws-guard/broker/output/apply-query';
import { parseCliJson } from '@aws-guard/broker/output/parse-cli-json';
import { renderJson } from '@aws-guard/broker/output/render-json';
import { runCliFormatters } from './awscli-harness.js';
import { seeded } from './random-documents.js';
import { QUERY_DOCUMENTS, randomQuery } from './random-queries.js';

const DOC = '{"items": [{"Size": 5, "Name": "b"}, {"Name": "a"}, {"Size": 500, "Name": "10"}], "t": 1764180000.0, "n": [1, 2], "m": {"b": 1, "7": 2}}';
const json = (query: string): string => {
  const result = applyQuery(parseCliJson(DOC), query);
  return result.ok ? renderJson(result.value).replace(/\s+/g, ' ').trim() : `ERROR ${result.issue.code}: ${result.issue.message}`;
};

// Each row is what the CLI prints (whitespace folded); the JS jmespath library gives otherwise where marked.
const RESULTS: readonly (readonly [string, string, string?])[] = [
  ['items[?Size < `100`].Name', '[ "b" ]', 'JS jmespath also keeps "a": null < 100 is true in JavaScript'],
  ['items[?Name > `"5"`].Name', '[ "b", "a" ]', 'strings compare by code point'],
  ['sort_by(items, &Name)[].Name', '[ "10", "a", "b" ]'],
  ['max_by(items[?Size], &Size).Name', '"10"'],
  ['t', '1764180000.0', 'a float stays a float'],
  ['avg(n)', '1.5'],
  ['sum(n)', '3'],
  ['avg(`[2, 2]`)', '2.0', 'avg() is a float in Python'],
  ['ceil(t)', '1764180000', 'ceil() is an int'],
  ['to_number(\'1.0\')', '1.0'],
  ['to_string(m)', '"{\\"b\\":1,\\"7\\":2}"', 'Python key order; JS puts "7" first'],
  ['keys(m)', '[ "b", "7" ]'],
  ['{z: n, "1": t}', '{ "z": [ 1, 2 ], "1": 1764180000.0 }'],
  ['`1` == `true`', 'false'],
  ['`[1]` == `[true]`', 'true', "Python's True == 1 inside a list"],
  ['!`0`', 'false'],
  ['n[5]', 'null'],
  ['n[::-1]', '[ 2, 1 ]'],
  ['n[0][1:]', 'null', 'Python jmespath does not project a slice after an index'],
  ['length(\'😀\')', '1', 'code points, not UTF-16 units'],
  ['`{}`', ''],
];

for (const [query, expected, why] of RESULTS) t.equal(json(query), expected, `${query}${why === undefined ? '' : ` (${why})`}`);

t.test('a bad expression is refused as the CLI refuses it, before any call', async (t) => {
  const bad = compileQuery('foo[');
  t.notOk(bad.ok);
  if (!bad.ok) {
    t.equal(bad.issue.code, 'QUERY_INVALID');
    t.equal(bad.issue.exitCode, 255);
    t.equal(bad.issue.stderr, '\nBad value for --query foo[: Invalid jmespath expression: Incomplete expression:\n"foo["\n     ^\n');
  }
  t.match(json('foo bar'), /^ERROR QUERY_INVALID: Bad value for --query foo bar: Unexpected token: bar: Parse error at column 4/);
  t.equal(json(''), 'ERROR QUERY_INVALID: Bad value for --query : Invalid JMESPath expression: cannot be empty.');
});

t.test('an evaluation that fails fails as Python does', async (t) => {
  t.equal(json('length(`1`)'), `ERROR QUERY_FAILED: In function length(), invalid type for value: 1, expected one of: ['string', 'array', 'object'], received: "number"`);
  t.equal(json('nope(n)'), 'ERROR QUERY_FAILED: Unknown function: nope()');
  t.equal(json('`1` < `"a"`'), "ERROR QUERY_FAILED: '<' not supported between instances of 'int' and 'str'");
  t.equal(json('n[::0]'), 'ERROR QUERY_FAILED: slice step cannot be zero');
  t.equal(json('&n'), 'ERROR QUERY_FAILED: Encountered unrecognized type in JSON encoder.');
});

t.test('no --query is the value itself', async (t) => {
  const doc = parseCliJson(DOC);
  t.same(applyQuery(doc, undefined), { ok: true, value: doc });
});

t.test('random expressions give what the CLI\'s jmespath gives: results, refusals and errors', async (t) => {
  const r = seeded(5);
  const cases = Array.from({ length: 2500 }, () => ({ doc: r.pick(QUERY_DOCUMENTS), query: randomQuery(r), format: 'json' }));
  const python = await runCliFormatters(cases);
  const differ = cases.filter((c, i) => {
    const result = applyQuery(parseCliJson(c.doc), c.query);
    const mine = result.ok ? { stdout: renderJson(result.value), stderr: '', code: 0 } : { stdout: '', stderr: result.issue.stderr, code: 255 };
    return JSON.stringify(mine) !== JSON.stringify(python[i]);
  });
  t.same(differ.map((c) => c.query), [], `${cases.length} expressions, ${python.filter((p) => p.code === 0).length} evaluated`);
});
