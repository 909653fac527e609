// Reading the CLI's JSON output: the JSON.parse fast path and the exact reader give the same values, keep what
// JSON.parse loses (1.0 vs 1, ints beyond 2^53, key order), and render back to the very same text.
import t from 'tap';
import { isPyNumber } from '@aws-guard/broker/output/py-number';
import { keysOf, type CliObject, type CliValue } from '@aws-guard/broker/output/cli-value';
import { CliJsonError, parseCliJson } from '@aws-guard/broker/output/parse-cli-json';
import { parsePythonJson, readPythonJson } from '@aws-guard/broker/output/read-python-json';
import { renderJson } from '@aws-guard/broker/output/render-json';
import { runCliFormatters } from './awscli-harness.js';
import { randomDocument, seeded } from './random-documents.js';

const pretty = (value: unknown): string => `${JSON.stringify(value, null, 4)}\n`;
const exact = (text: string) => readPythonJson(text, { emptyIsObject: true, strict: false });

t.test('empty output is the empty response {}', async (t) => {
  t.same(parseCliJson(''), {});
  t.same(parseCliJson('\n'), {});
});

t.test('integral floats are boxed where they stand, other numbers stay plain', async (t) => {
  const text = '{\n    "CreatedDate": 1764180000.0,\n    "Ratio": 0.25,\n    "Count": 3,\n    "Big": 1e+16,\n    "List": [\n        1.0,\n        2\n    ]\n}\n';
  const doc = parseCliJson(text) as CliObject;
  t.ok(isPyNumber(doc['CreatedDate']), '1764180000.0');
  t.equal(doc['Ratio'], 0.25);
  t.equal(doc['Count'], 3);
  t.ok(isPyNumber(doc['Big']), '1e+16');
  t.ok(isPyNumber((doc['List'] as CliValue[])[0]), 'an array item');
  t.equal((doc['List'] as CliValue[])[1], 2);
  t.equal(renderJson(doc), text, 'renders back to the same text');
});

t.test('number-like text inside strings stays text', async (t) => {
  const text = pretty({ Ip: '10.0.0.1', Doc: '{"a": 1.0,\n"b": 2.0}', Version: 'v1.0', E: 'x 1e5', Key: '1.0' });
  t.same(parseCliJson(text), JSON.parse(text));
  t.equal(renderJson(parseCliJson(text)), text);
});

t.test('ints beyond 2^53 keep their digits', async (t) => {
  const text = '{\n    "Id": 12345678901234567890,\n    "Small": 9007199254740991\n}\n';
  t.equal(renderJson(parseCliJson(text)), text);
});

t.test('keys JS would reorder keep the order Python printed', async (t) => {
  const text = '{\n    "b": 1,\n    "10": 2,\n    "a": 3,\n    "2": 4\n}\n';
  t.same(keysOf(parseCliJson(text) as CliObject), ['b', '10', 'a', '2']);
  t.equal(renderJson(parseCliJson(text)), text);
});

t.test('odd but valid input', async (t) => {
  t.same(Object.keys(parseCliJson('{\n    "__proto__": 1\n}\n') as object), ['__proto__'], '__proto__ is an own key');
  t.equal(renderJson(parseCliJson('{\n    "a": NaN,\n    "b": -Infinity\n}\n')), '{\n    "a": NaN,\n    "b": -Infinity\n}\n');
  t.equal(renderJson(parseCliJson('{"a":1.0,"b":[2.0]}')), '{\n    "a": 1.0,\n    "b": [\n        2.0\n    ]\n}\n', 'compact JSON');
  t.equal(renderJson(parseCliJson(pretty({ a: 'nul\u0000', b: 1 }).replace('1\n', '1.0\n'))), pretty({ a: 'nul\u0000', b: 1 }).replace('1\n', '1.0\n'));
  t.equal(renderJson(parseCliJson('[\n    1.0\n]\n')), '[\n    1.0\n]\n', 'a list at the top');
  const marks = '{\n    "a": 1.0,\n    "b": "x\\"\\u0000y",\n    "c": "end\\u0001"\n}\n';
  t.equal(renderJson(parseCliJson(marks)), marks, 'data that looks like the fast path\'s marks');
});

t.test('what json.loads refuses is a CliJsonError', async (t) => {
  for (const text of ['{', '{"a": 1,}', '[01]', '{"a" 1}', 'nope', '{"a": 1} x', '"\\q"']) t.throws(() => parseCliJson(text), CliJsonError, text);
});

t.test('the strict reader refuses what json.loads refuses and names it as Python does', async (t) => {
  const reason = (text: string) => {
    try {
      parsePythonJson(text);
      return 'accepted';
    } catch (e) {
      return (e as CliJsonError).reason;
    }
  };
  t.equal(reason('"a\\qb"'), 'Invalid \\escape');
  t.equal(reason('"\\u12"'), 'Invalid \\uXXXX escape');
  t.equal(reason('"a\tb"'), 'Invalid control character at');
  t.equal(reason('[1,]'), 'Expecting value');
  t.same(parsePythonJson('"\\ud83d\\ude00 \\ud800"'), '😀 \ud800', 'surrogate pairs join, lone ones stay');
});

t.test('the fast path and the exact reader agree on documents the CLI printed', async (t) => {
  const r = seeded(11);
  const docs = Array.from({ length: 400 }, () => randomDocument(r));
  const printed = await runCliFormatters(docs.map((doc) => ({ doc, query: null, format: 'json' })));
  let same = 0;
  for (const { stdout } of printed) {
    if (renderJson(parseCliJson(stdout)) === stdout && renderJson(exact(stdout)) === stdout) same++;
    else t.fail(`differs: ${stdout}`);
  }
  t.equal(same, docs.length, 'every document renders back byte for byte, both ways');
});
