// What each --output prints for shapes worth seeing by eye (each expected text was printed by the CLI's own
// formatters); cli-formatters.test.ts then compares thousands of random shapes with them.
import t from 'tap';
import { applyQuery } from '@aws-guard/broker/output/apply-query';
import { parseCliJson } from '@aws-guard/broker/output/parse-cli-json';
import { outputFormats, queryFailureStderr, renderOutput, type OutputFormat, type RenderOptions } from '@aws-guard/broker/output/render-output';

type Row = Readonly<{ name: string; doc: string; query?: string; format: OutputFormat; options?: Partial<RenderOptions>; stdout: string; stderr?: string }>;

const ROWS: readonly Row[] = [
  {
    name: 'json: four-space indent, unicode as is, floats as Python writes them',
    doc: '{"a": "é😀", "b": 1764180000.0, "c": 1e-05, "d": [], "e": {}, "f": null}',
    format: 'json',
    stdout: '{\n    "a": "é😀",\n    "b": 1764180000.0,\n    "c": 1e-05,\n    "d": [],\n    "e": {},\n    "f": null\n}\n',
  },
  { name: 'json: a query giving null prints null', doc: '{"a": 1}', query: 'nope', format: 'json', stdout: 'null\n' },
  { name: 'json: a query giving {} prints nothing (the no-body rule)', doc: '{"a": {}}', query: 'a', format: 'json', stdout: '' },
  { name: 'json: a query giving [] prints []', doc: '{"a": []}', query: 'a', format: 'json', stdout: '[]\n' },
  {
    name: 'text: scalars of a dict on one line in key order, list items one per line, None and True as Python',
    doc: '{"Users": [{"Name": "alice", "Age": 30, "Admin": true}, {"Name": "bob", "Team": null}], "Count": 2, "Next": null}',
    format: 'text',
    stdout: '2\tNone\nUSERS\tTrue\t30\talice\t\nUSERS\t\t\tbob\tNone\n',
  },
  {
    name: 'text: lists of scalars under a key are one line each, prefixed with the key in capitals',
    doc: '{"a": ["x", "y"], "b": [[1, 2], [3]], "c": {"d": 1.0, "e": []}}',
    format: 'text',
    stdout: 'A\tx\nA\ty\nB\t1\nB\t2\nB\t3\nC\t1.0\n',
  },
  { name: 'text: a query giving null prints None', doc: '{"a": 1}', query: 'nope', format: 'text', stdout: 'None\n' },
  { name: 'text: a query giving a bare list prints it tab-separated', doc: '{"a": ["x", 1, 2.0]}', query: 'a', format: 'text', stdout: 'x\t1\t2.0\n' },
  { name: 'text: an empty string prints an empty line', doc: '{"a": ""}', query: 'a', format: 'text', stdout: '\n' },
  {
    name: 'text: a list mixing objects with scalars crashes the CLI after what it printed',
    doc: '{"a": 1}',
    query: '`[[1, 2], [{"a": 1}, 5]]`',
    format: 'text',
    stdout: '1\t2\n',
    stderr: "\n'int' object has no attribute 'items'\n",
  },
  {
    name: 'table: nested sections, sorted columns, CJK and emoji two columns wide',
    doc: '{"Buckets": [{"Name": "東京", "CreationDate": "2025-11-26"}, {"Name": "😀 émoji", "CreationDate": "2025-11-27"}], "Owner": {"ID": "abc"}}',
    format: 'table',
    options: { operation: 'ListBuckets' },
    stdout:
      '---------------------------------\n|          ListBuckets          |\n+-------------------------------+\n||           Buckets           ||\n|+---------------+-------------+|\n|| CreationDate  |    Name     ||\n|+---------------+-------------+|\n||  2025-11-26   |  東京       ||\n||  2025-11-27   |  😀 émoji  ||\n|+---------------+-------------+|\n||            Owner            ||\n|+------------+----------------+|\n||  ID        |  abc           ||\n|+------------+----------------+|\n',
  },
  {
    name: 'table: wider than the terminal, a one-row section turns vertical',
    doc: '{"Account": "123456789012", "Arn": "arn:aws:sts::123456789012:user/a-rather-long-user-name-that-makes-the-table-wide", "UserId": "AKIAEXAMPLE"}',
    format: 'table',
    options: { columns: 60 },
    stdout:
      '-------------------------------------------------------------------------------------------------\n|                                       GetCallerIdentity                                       |\n+---------+-------------------------------------------------------------------------------------+\n|  Account|  123456789012                                                                       |\n|  Arn    |  arn:aws:sts::123456789012:user/a-rather-long-user-name-that-makes-the-table-wide   |\n|  UserId |  AKIAEXAMPLE                                                                        |\n+---------+-------------------------------------------------------------------------------------+\n',
  },
  { name: 'table: a scalar is a title alone', doc: '{"a": 1}', query: '`1e16`', format: 'table', stdout: '-------------------\n|GetCallerIdentity|\n+-----------------+\n' },
  { name: 'table: nothing for a false value (0, "", [], {}, null)', doc: '{"a": 0}', query: 'a', format: 'table', stdout: '' },
  {
    name: 'table: --color on, with the reset colorama adds after every write',
    doc: '{"a": [1, 2]}',
    query: 'a',
    format: 'table',
    options: { color: true },
    stdout:
      '-------------------\n\x1b[0m\x1b[0m|GetCallerIdentity|\x1b[0m\x1b[0m\n\x1b[0m\x1b[0m+-----------------+\x1b[0m\x1b[0m\n\x1b[0m\x1b[0m|  \x1b[1m\x1b[34m1\x1b[0m              |\x1b[0m\x1b[0m\n\x1b[0m\x1b[0m|  \x1b[1m\x1b[34m2\x1b[0m              |\x1b[0m\x1b[0m\n\x1b[0m\x1b[0m+-----------------+\x1b[0m\x1b[0m\n\x1b[0m',
  },
  {
    name: 'table: rows of different lengths crash the CLI (nothing printed)',
    doc: '{"a": 1}',
    query: '`[[1, 2], [3]]`',
    format: 'table',
    stdout: '',
    stderr: '\nRow should have 2 elements, instead it has 1\n',
  },
  {
    name: 'yaml: sorted keys, quoted strings that would read as other types, a list in a mapping not indented',
    doc: '{"b": ["x", "true"], "a": {"n": null, "t": "2025-11-26T18:00:00+00:00", "f": 1.0}}',
    format: 'yaml',
    stdout: "a:\n  f: 1.0\n  n: null\n  t: '2025-11-26T18:00:00+00:00'\nb:\n- x\n- 'true'\n",
  },
  { name: 'yaml: a scalar is written as JSON', doc: '{"a": "x"}', query: 'a', format: 'yaml', stdout: '"x"\n' },
  { name: 'yaml-stream: the response as a one-item list', doc: '{"a": "x"}', query: 'a', format: 'yaml-stream', stdout: '- x\n' },
  { name: 'yaml: a list met twice is an anchor and an alias', doc: '{"a": [1]}', query: '[a, a]', format: 'yaml', stdout: '- &id001\n  - 1\n- *id001\n' },
];

for (const row of ROWS)
  t.test(row.name, async (t) => {
    const query = applyQuery(parseCliJson(row.doc), row.query);
    if (!query.ok) throw new Error(query.issue.message);
    const rendered = renderOutput(query.value, row.format, { operation: 'GetCallerIdentity', ...row.options });
    if (row.stderr === undefined) t.same(rendered, { ok: true, value: row.stdout });
    else {
      t.notOk(rendered.ok);
      if (!rendered.ok) t.same([rendered.issue.stdout, rendered.issue.stderr, rendered.issue.exitCode], [row.stdout, row.stderr, 255]);
    }
  });

t.test('the formats each CLI version accepts', async (t) => {
  t.same(outputFormats(1), ['json', 'text', 'table']);
  t.same(outputFormats(2), ['json', 'text', 'table', 'yaml', 'yaml-stream']);
});

t.test('a query failing under --output table --color on: colorama wraps stderr too', async (t) => {
  t.equal(queryFailureStderr('boom', 'table', { operation: 'X', color: true }), '\n\x1b[0mboom\x1b[0m\n\x1b[0m');
  t.equal(queryFailureStderr('boom', 'text', { operation: 'X', color: true }), '\nboom\n');
});
