// The agent's --query through the JMESPath library, against the CLI's own Python jmespath: results that agree,
// each known difference (a table row with an example, checked on both sides), expressions left to the real CLI,
// failures; then thousands of random expressions, where any difference the table does not explain fails.
import t from 'tap';
import { applyQuery, compileQuery } from '@aws-guard/broker/output/apply-query';
import { isCliNumber, isCliObject, keysOf, makeObject, type CliValue } from '@aws-guard/broker/output/cli-value';
import { parseCliJson } from '@aws-guard/broker/output/parse-cli-json';
import { makeNumber, numberValue } from '@aws-guard/broker/output/py-number';
import { renderJson } from '@aws-guard/broker/output/render-json';
import { runCliFormatters, type FormatResult } from './awscli-harness.js';
import { ours, theCli } from './query-outcome.js';
import { seeded } from './random-documents.js';
import { QUERY_DOCUMENTS, randomQuery } from './random-queries.js';

const DOC = '{"items": [{"Size": 5, "Name": "b"}, {"Name": "a"}, {"Size": 500, "Name": "10"}], "t": 1764180000.0, "n": [1, 2], "f": 2.0, "m": {"b": 1, "7": 2}, "s": "str", "sizes": [10, 9, 1]}';

const python = (queries: readonly string[], doc = DOC): Promise<FormatResult[]> => runCliFormatters(queries.map((query) => ({ doc, query, format: 'json' })));

// What the CLI prints, and the broker the same (whitespace folded).
const AGREE: readonly (readonly [string, string, string?])[] = [
  ['items[?Size < `100`].Name', '[ "b" ]', 'an item without Size is left out (npm jmespath 0.16 keeps it)'],
  ["items[?Name == 'a'].Size", '[]'],
  ['Tags[?Key==`Name`]', 'null', 'a backtick literal that is not JSON is a string (legacy literals)'],
  ['sort_by(items, &Name)[].Name', '[ "10", "a", "b" ]'],
  ['max_by(items[?Size], &Size).Name', '"10"'],
  ['t', '1764180000.0', 'a float stays a float'],
  ['{a: t, b: [t]}', '{ "a": 1764180000.0, "b": [ 1764180000.0 ] }'],
  ['avg(n)', '1.5'],
  ['sum(n)', '3'],
  ['`1e3`', '1000.0', "a literal's float, read as Python reads it"],
  ['`{"b": 1.0, "7": [2.0]}`', '{ "b": 1.0, "7": [ 2.0 ] }', 'a literal returned whole is the one Python read'],
  ['m', '{ "b": 1, "7": 2 }', 'Python key order'],
  ['keys(m)', '[ "b", "7" ]'],
  ['m.*', '[ 1, 2 ]'],
  ['to_string(m)', '"{\\"b\\":1,\\"7\\":2}"'],
  ['`1` == `true`', 'false'],
  ['!`0`', 'false'],
  ['n[5]', 'null'],
  ['n[::-1]', '[ 2, 1 ]'],
  ['n[0][1:]', 'null'],
  ["length('😀')", '1', 'code points, not UTF-16 units'],
  ['items[].constructor', '[]', 'only the data\'s own keys'],
  ['`{}`', ''],
];

type Outcome = 'value' | 'python-fails' | 'library-fails' | 'library-refuses';

/** One kind of difference: an example over DOC (the CLI's outcome, the broker's), and which random differences it explains. */
type Difference = Readonly<{
  what: string;
  kind: Outcome;
  example: readonly [query: string, cli: string, broker: string];
  /** A random expression's difference of this kind is put down to this row only when the expression matches. */
  in: RegExp;
  /** For value differences that are only a matter of printing: the outputs are equal once both are normalized so. */
  normalize?: (json: string) => string;
}>;

/** The printed JSON read back (boxes and key order kept), each value changed bottom-up, printed again. */
const reprint = (json: string, change: (v: CliValue) => CliValue): string => {
  const walk = (v: CliValue): CliValue => change(Array.isArray(v) ? v.map(walk) : isCliObject(v) ? makeObject(keysOf(v).map((k) => [k, walk(v[k]!)] as const)) : v);
  try {
    return renderJson(walk(parseCliJson(json)));
  } catch {
    return json;
  }
};
/** Objects with their keys sorted, at every depth. */
const sortKeys = (json: string): string => reprint(json, (v) => (isCliObject(v) ? makeObject([...keysOf(v)].sort().map((k) => [k, v[k]!] as const)) : v));
/** Every integral number as an int (`2.0` is `2`; `1.2345678902998747e+19` is `12345678902998747136`). */
const asInts = (json: string): string => reprint(json, (v) => (isCliNumber(v) && Number.isInteger(numberValue(v)) ? makeNumber(numberValue(v), false) : v));

/** A multi-select (`{…}`, `[a, b]`) after a pipe, where it may meet null. */
const MULTI_SELECT_AFTER_PIPE = /\|.*(?:\{|\[(?![-\d*:?\]]))/;
const SLICE = /\[-?\d*:/;

const DIFFERENCES: readonly Difference[] = [
  {
    what: 'an object the query builds lists integer-like keys ("1", "7") first, as JS objects do; Python keeps insertion order',
    kind: 'value',
    example: ['{z: n, "1": s}', '{ "z": [ 1, 2 ], "1": "str" }', '{ "1": "str", "z": [ 1, 2 ] }'],
    in: /"\d+"\s*:|merge\(/,
    normalize: sortKeys,
  },
  {
    what: '…and so `*`, values() and keys() over such an object',
    kind: 'value',
    example: ['{z: n, "1": s}.*', '[ [ 1, 2 ], "str" ]', '[ "str", [ 1, 2 ] ]'],
    in: /^(?=.*(?:"\d+"\s*:|merge\())(?=.*(?:\*|values\(|keys\())/,
  },
  {
    what: 'an integral float the input also holds as an int, or one computed (avg, sum, abs, to_number…), prints as an int',
    kind: 'value',
    example: ['f', '2.0', '2'],
    in: /[\s\S]/,
    normalize: asInts,
  },
  {
    what: "ceil() and floor() of a number that appeared as a float print a float; Python's are ints",
    kind: 'value',
    example: ['ceil(t)', '1764180000', '1764180000.0'],
    in: /\b(ceil|floor)\(/,
    normalize: asInts,
  },
  {
    what: 'a multi-select ({…}, […]) over null: Python gives null without evaluating it, the library builds it',
    kind: 'value',
    example: ['missing | {a: @}', 'null', '{ "a": null }'],
    in: MULTI_SELECT_AFTER_PIPE,
  },
  {
    what: '…so a function given that null instead of the built value fails in Python',
    kind: 'python-fails',
    example: ['missing | length([@])', 'ERROR', '1'],
    in: MULTI_SELECT_AFTER_PIPE,
  },
  {
    what: '…and a member failing on null (values(), merge(), starts_with()…) fails in the library',
    kind: 'library-fails',
    example: ['missing | [values(@)]', 'null', 'ERROR'],
    in: MULTI_SELECT_AFTER_PIPE,
  },
  {
    what: 'a slice of a string: a substring in the library, null in Python',
    kind: 'value',
    example: ['s[:2]', 'null', '"st"'],
    in: SLICE,
  },
  {
    what: '…so a function given that substring instead of null fails in Python',
    kind: 'python-fails',
    example: ['length(s[:2])', 'ERROR', '2'],
    in: SLICE,
  },
  {
    what: '…and ordering that substring against a number fails in the broker (Python\'s TypeError); Python orders null: null',
    kind: 'library-fails',
    example: ['n[0] < s[:2]', 'null', 'ERROR'],
    in: SLICE,
  },
  {
    what: "equality inside lists and objects, and contains(): Python's True == 1 and 1 == 1.0; the library's strict equality",
    kind: 'value',
    example: ['`[1]` == `[true]`', 'true', 'false'],
    in: /[=!]=|contains\(/,
  },
  {
    what: 'to_string() is JSON.stringify: non-ASCII as is (Python escapes it, \\u00e9), floats as JS writes them',
    kind: 'value',
    example: ['to_string(`["é", 1.0]`)', '"[\\"\\\\u00e9\\",1.0]"', '"[\\"é\\",1]"'],
    in: /to_string\(/,
  },
  {
    what: "to_number() reads strings as JS's Number() does ('0x1' is 1, '1_0' is null); Python's int() and float() the other way round",
    kind: 'value',
    example: ["to_number('0x1')", 'null', '1'],
    in: /to_number\(/,
  },
  {
    what: "…so a function given the library's number ('' is 0) instead of Python's null fails in Python",
    kind: 'python-fails',
    example: ["abs(to_number(''))", 'ERROR', '0'],
    in: /to_number\(/,
  },
  {
    what: "a raw string literal: the library reads '\\\\' as one backslash, Python keeps both",
    kind: 'value',
    example: ["'a\\\\b'", '"a\\\\\\\\b"', '"a\\\\b"'],
    in: /\\/,
  },
  {
    what: "NaN and Infinity in a backtick literal: Python's json.loads reads them; the library refuses the expression…",
    kind: 'library-refuses',
    example: ['`{"a": NaN}`', '{ "a": NaN }', 'LEFT TO THE CLI'],
    in: /NaN|Infinity/,
  },
  {
    what: '…or, alone, reads them as a string',
    kind: 'value',
    example: ['`NaN`', 'NaN', '"NaN"'],
    in: /NaN|Infinity/,
  },
  {
    what: 'a null where contains() or merge() wants a string or object: the library goes on, Python fails',
    kind: 'python-fails',
    example: ["contains('raw', missing)", 'ERROR', 'null'],
    in: /\b(contains|merge)\(/,
  },
];

const EXAMPLES = [...AGREE.map(([query]) => query), ...DIFFERENCES.map((d) => d.example[0])];
const printedByCli = await python(EXAMPLES);
const cliOf = new Map(EXAMPLES.map((query, i) => [query, theCli(printedByCli[i]!)]));
const doc = parseCliJson(DOC);

t.test('results that agree with the CLI', async (t) => {
  for (const [query, expected, why] of AGREE) {
    const name = `${query}${why === undefined ? '' : ` (${why})`}`;
    t.equal(cliOf.get(query), expected, `the CLI: ${name}`);
    t.equal(ours(applyQuery(doc, query)), expected, `the broker: ${name}`);
  }
});

t.test('each known difference, on both sides', async (t) => {
  for (const d of DIFFERENCES) {
    const [query, cli, broker] = d.example;
    t.equal(cliOf.get(query), cli, `the CLI: ${query} (${d.what})`);
    t.equal(ours(applyQuery(doc, query)), broker, `the broker: ${query} (${d.what})`);
  }
});

t.test('expressions the library refuses, or that use what the CLI lacks, are left to the CLI, which fails on them', async (t) => {
  const bad = compileQuery('foo[');
  t.notOk(bad.ok);
  if (!bad.ok) {
    t.equal(bad.issue.code, 'QUERY_INVALID');
    t.equal(bad.issue.exitCode, 255);
    t.equal(bad.issue.stderr, "aws-guard: --query foo[ cannot be applied to masked output (the broker's JMESPath library refuses it: Syntax error: expected Star, got: EOF)\n");
  }
  // Refused by the CLI as it parses its arguments, or (unknown functions) failing after the call: never printing.
  const left = ['foo[', 'a ~ b', '', 'foo bar', 'n - n', '-n[0]', 'n[0] + `1`', '$', '$.n', 'let $x = n in $x', "n ? 'a' : 'b'", 'upper(s)', 'items[].find_first(Name, `"a"`)', 'nope(n)', "'abc", '`1'];
  const cli = await python(left);
  left.forEach((query, i) => {
    t.equal(ours(applyQuery(doc, query)), 'LEFT TO THE CLI', `${JSON.stringify(query)} is left to the CLI`);
    t.same([cli[i]!.code, cli[i]!.stdout], [255, ''], `${JSON.stringify(query)}: the CLI fails (${cli[i]!.stderr.trim().split('\n')[0]})`);
  });
});

t.test("an evaluation that fails: exit 255, nothing printed, the library's message where the CLI prints Python's", async (t) => {
  const failed = applyQuery(doc, 'length(`1`)');
  t.same(failed, {
    ok: false,
    issue: {
      code: 'QUERY_FAILED',
      message: 'Invalid type: length() expected argument 1 to be type (string | array | object) but received type number instead.',
      stderr: '\nInvalid type: length() expected argument 1 to be type (string | array | object) but received type number instead.\n',
      exitCode: 255,
    },
  });
  t.equal(ours(applyQuery(doc, 'n[::0]')), 'ERROR');
  t.equal(ours(applyQuery(doc, 'abs(s)')), 'ERROR');
  const expression = applyQuery(doc, '{x: &n}');
  t.equal(expression.ok ? 'ok' : expression.issue.message, 'Encountered unrecognized type in JSON encoder.', 'an &expr in the result cannot be printed');
  const cli = await python(['length(`1`)', 'n[::0]', 'abs(s)', '{x: &n}']);
  t.same(cli.map((c) => [c.code, c.stdout]), [[255, ''], [255, ''], [255, ''], [255, '{\n    "x": ']], 'the CLI fails on each (its JSON half-written for the &expr)');
});

t.test('no --query is the value itself; unchanged objects come back as they went in', async (t) => {
  t.same(applyQuery(doc, undefined), { ok: true, value: doc });
  const m = applyQuery(doc, 'm');
  t.equal(m.ok && m.value, (doc as { m: unknown }).m, 'the same object, its Python key order with it');
});

/** QUERY_SEEDS=1,2,3 to try other seeds (each 2500 expressions). */
const SEEDS = (process.env['QUERY_SEEDS'] ?? '5').split(',').map(Number);

t.test('random expressions: the CLI and the broker agree, or differ in a known way', async (t) => {
  const cases = SEEDS.flatMap((seed) => {
    const r = seeded(seed);
    return Array.from({ length: 2500 }, () => ({ doc: r.pick(QUERY_DOCUMENTS), query: randomQuery(r), format: 'json' }));
  });
  const cli = await runCliFormatters(cases);
  const explained = new Map<string, number>();
  const unexplained: unknown[] = [];
  let agreed = 0;
  cases.forEach((c, i) => {
    const result = applyQuery(parseCliJson(c.doc), c.query);
    const theirs = cli[i]!;
    const mine = result.ok ? renderJson(result.value) : undefined;
    let kind: Outcome | undefined;
    // Left to the CLI: whatever the CLI does is what the agent gets, unless it prints (then aws-guard's error).
    if (!result.ok && result.issue.code === 'QUERY_INVALID') kind = theirs.code === 0 && theirs.stdout !== '' ? 'library-refuses' : undefined;
    else if (!result.ok) kind = theirs.code === 0 ? 'library-fails' : undefined;
    else if (theirs.code !== 0) kind = 'python-fails';
    else if (mine !== theirs.stdout) kind = 'value';
    if (kind === undefined) return void agreed++;
    const matching = DIFFERENCES.filter((d) => d.kind === kind && d.in.test(c.query));
    const printing = matching.filter((d) => d.normalize !== undefined);
    const normalizes = (ds: readonly Difference[]) => ds.length > 0 && ds.reduce((s, d) => d.normalize!(s), mine ?? '') === ds.reduce((s, d) => d.normalize!(s), theirs.stdout);
    // A value difference is a printing one when normalizing explains it (one or all at once); otherwise any other row.
    const by = kind === 'value' ? (printing.find((d) => normalizes([d])) ?? (normalizes(printing) ? printing[0] : matching.find((d) => d.normalize === undefined))) : matching[0];
    if (by === undefined) unexplained.push({ kind, doc: QUERY_DOCUMENTS.indexOf(c.doc), query: c.query, broker: mine ?? result, cli: theirs });
    else explained.set(by.what, (explained.get(by.what) ?? 0) + 1);
  });
  t.same(unexplained, [], `${cases.length} expressions (${new Set(cases.map((c) => c.query)).size} distinct): ${agreed} agree`);
  for (const [what, n] of explained) t.comment(`${n} × ${what}`);
});
