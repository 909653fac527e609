// Where the broker overrides the JMESPath library (query-interpreter.ts, query-functions.ts) to order as the CLI's
// Python jmespath does: each case over EC2-like output, against the CLI's own jmespath, TypeError messages included.
import t from 'tap';
import { search } from '@jmespath-community/jmespath';
import { applyQuery } from '@aws-guard/broker/output/apply-query';
import { parseCliJson } from '@aws-guard/broker/output/parse-cli-json';
import { runCliFormatters } from './awscli-harness.js';
import { ours, theCli } from './query-outcome.js';

/** EC2-like output: dates as strings (as DescribeInstances prints them), numbers, names of mixed case and beyond the BMP. */
const INSTANCES = JSON.stringify({
  Reservations: [
    {
      Instances: [
        { InstanceId: 'i-0a', LaunchTime: '2023-12-31T23:59:59+00:00', State: { Name: 'running' }, CpuOptions: { CoreCount: 2 }, Tags: [{ Key: 'Name', Value: 'web' }] },
        { InstanceId: 'i-0b', LaunchTime: '2024-03-01T10:00:00+00:00', State: { Name: 'stopped' }, CpuOptions: { CoreCount: 10 }, Tags: [{ Key: 'Name', Value: 'api' }] },
        { InstanceId: 'i-0c', LaunchTime: '2024-01-15T08:30:00+00:00', State: { Name: 'running' }, CpuOptions: { CoreCount: 9 }, Tags: [{ Key: 'Name', Value: 'Worker' }] },
      ],
    },
  ],
  Names: ['b', 'B', '😀', '｡', 'é'],
  Sizes: [10, 9, 1, 2.5],
});
const ALL = 'Reservations[].Instances[]';

/** Where the library alone differs from the CLI, and the broker (with its overrides) agrees with it: `ERROR` rows print the CLI's message too. */
const OVERRIDDEN: readonly (readonly [string, string, string])[] = [
  ["Reservations[].Instances[?LaunchTime > '2024-01-01'][].InstanceId", '[ "i-0b", "i-0c" ]', 'strings ordered (the library: null, nothing kept)'],
  [`${ALL} | [?LaunchTime <= '2024-01-15T08:30:00+00:00'].InstanceId`, '[ "i-0a", "i-0c" ]', '<= of strings, equal included'],
  ['Reservations[].Instances[?CpuOptions.CoreCount >= `9`][].InstanceId', '[ "i-0b", "i-0c" ]', 'numbers still numerically'],
  ["Names[?@ > '｡']", '[ "😀" ]', 'code points: JS\'s < puts U+1F600 (D83D DE00) before U+FF61'],
  ['Names[?@ < `true`]', '[]', 'a boolean is not ordered: null'],
  ['`1` < `"a"`', 'ERROR', "an int against a str: Python's TypeError"],
  [`${ALL} | [?LaunchTime > \`1\`]`, 'ERROR', '…inside a filter too'],
  ['sort(Sizes)', '[ 1, 2.5, 9, 10 ]', 'numbers numerically (the library: as text)'],
  [`sort(${ALL}.CpuOptions.CoreCount)`, '[ 2, 9, 10 ]', ''],
  ['sort(Names)', '[ "B", "b", "é", "｡", "😀" ]', 'code points'],
  [`max_by(${ALL}, &LaunchTime).InstanceId`, '"i-0b"', 'a string key (the library: null)'],
  [`min_by(${ALL}, &Tags[0].Value).InstanceId`, '"i-0c"', "'Worker' < 'api': code points, not locale"],
  [`max_by(${ALL}, &CpuOptions.CoreCount).InstanceId`, '"i-0b"', ''],
  ['max_by(`[{"k": 1}, {"k": "a"}]`, &k)', 'ERROR', "a number key against a string key: Python's TypeError"],
  [`max_by(${ALL}, &Tags)`, 'ERROR', 'a key neither number nor string'],
  [`sort_by(${ALL}, &State.Name)[].InstanceId`, '[ "i-0a", "i-0c", "i-0b" ]', 'equal keys keep their order (stable)'],
  [`sort_by(${ALL}, &'same')[].InstanceId`, '[ "i-0a", "i-0b", "i-0c" ]', '…all equal'],
  ['sort_by(Sizes, &@)', '[ 1, 2.5, 9, 10 ]', ''],
  [`sort_by(${ALL}, &CpuOptions)`, 'ERROR', 'a key neither number nor string'],
  ['sort_by(`[{"k": 1}, {"k": "a"}]`, &k)', 'ERROR', 'keys of two kinds'],
  ['max(Names)', '"😀"', 'code points (the library: localeCompare)'],
  ['min(Names)', '"B"', ''],
  ["max(['b', 'B'])", '"b"', ''],
  ['min(Sizes)', '1', ''],
  ['max(`[]`)', 'null', ''],
];

t.test("ordering as the CLI's jmespath orders, where the library alone would not", async (t) => {
  const cli = await runCliFormatters(OVERRIDDEN.map(([query]) => ({ doc: INSTANCES, query, format: 'json' })));
  const instances = parseCliJson(INSTANCES);
  OVERRIDDEN.forEach(([query, expected, why], i) => {
    const name = `${query}${why === '' ? '' : ` (${why})`}`;
    const result = applyQuery(instances, query);
    t.equal(theCli(cli[i]!), expected, `the CLI: ${name}`);
    t.equal(ours(result), expected, `the broker: ${name}`);
    // Python's TypeError is what the broker prints too (the library's messages stand in for jmespath's own).
    if (!result.ok && cli[i]!.stderr.includes('not supported between')) t.equal(result.issue.stderr, cli[i]!.stderr, `the CLI's message: ${query}`);
  });
});

t.test("the library's shared interpreter is left as it is: the overrides are on the broker's own instance", async (t) => {
  t.same(search([10, 9, 1], 'sort(@)'), [1, 10, 9], "the library's sort(), numbers as text");
  t.equal(search({ a: 'b' }, "a > 'a'"), null, "the library's comparator, strings not ordered");
});
