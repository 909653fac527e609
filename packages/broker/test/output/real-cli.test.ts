// The real CLI against the emulator, run twice per case: once as the broker runs it (`--output json` and no query;
// text of a paginated operation page by page), once as the agent asked. Rendering the first as the agent asked
// must give the second byte for byte: stdout, and stderr and exit code where the CLI fails. A --query the broker
// leaves to the CLI (QUERY_INVALID) is the CLI's own run with its stdout withheld.
import t from 'tap';
import { compileQuery, type QueryIssue } from '@aws-guard/broker/output/apply-query';
import { startMoto } from '../../../../test/helpers/moto.js';
import { runAwsDirect } from '../../../../test/helpers/real-aws.js';
import { runCliPython, type FormatResult } from './awscli-harness.js';
import { matchesCli, renderCase, type RenderedCase } from './render-case.js';
import { runAwsInTerminal } from './terminal-aws.js';

// More than .taprc's 300 s on a busy 2-core machine: every case runs the real AWS CLI (~0.5 s of Python start-up each).
t.setTimeout(900_000);

const moto = await startMoto();
t.teardown(moto.stop);
// Every command line after the setup reads the same state, so one run answers every case that asks for it (a
// variant identical to the JSON every case renders from, the pages of the text variants of one operation).
const runs = new Map<string, ReturnType<typeof runAwsDirect>>();
const aws = (args: readonly string[]) => {
  const key = JSON.stringify(args);
  if (!runs.has(key)) runs.set(key, runAwsDirect(args, moto.url));
  return runs.get(key)!;
};
const must = async (args: readonly string[]): Promise<string> => {
  const r = await aws(args);
  if (r.code !== 0) throw new Error(`aws ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.toString();
};

// Data with the shapes that matter: unicode (wide, emoji), empty strings and lists, nested lists, booleans,
// ints and floats, long values, several pages.
const LONG = 'a long value that is wider than any terminal would be, '.repeat(3).trim();
const TAGS = JSON.stringify([{ Key: 'Name', Value: '東京 bucket 😀' }, { Key: 'empty', Value: '' }, { Key: 'long', Value: LONG }]);
await must(['s3api', 'create-bucket', '--bucket', 'output-alpha']);
await must(['s3api', 'create-bucket', '--bucket', 'output-beta']);
await must(['s3api', 'put-bucket-tagging', '--bucket', 'output-alpha', '--tagging', JSON.stringify({ TagSet: JSON.parse(TAGS) })]);
for (const key of ['dir/a.txt', 'dir/b.txt', 'top.txt']) await must(['s3api', 'put-object', '--bucket', 'output-alpha', '--key', key]);
await must(['iam', 'create-user', '--user-name', 'output-user', '--tags', JSON.stringify([{ Key: 'Team', Value: 'データ' }, { Key: 'Empty', Value: '' }])]);
await must(['iam', 'create-user', '--user-name', 'output-other']);
const trust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: ['ec2.amazonaws.com', 'lambda.amazonaws.com'] }, Action: 'sts:AssumeRole' }] };
await must(['iam', 'create-role', '--role-name', 'output-role', '--description', `Rôle ${LONG}`, '--assume-role-policy-document', JSON.stringify(trust)]);
const image = (await must(['ec2', 'describe-images', '--owners', 'amazon', '--query', 'Images[0].ImageId', '--output', 'text'])).trim();
const instanceTags = [{ ResourceType: 'instance', Tags: [{ Key: 'Name', Value: 'サーバー' }, { Key: 'Empty', Value: '' }] }];
await must(['ec2', 'run-instances', '--image-id', image, '--count', '2', '--instance-type', 't2.micro', '--tag-specifications', JSON.stringify(instanceTags)]);
for (const table of ['output-items', 'output-other'])
  await must(['dynamodb', 'create-table', '--table-name', table, '--attribute-definitions', 'AttributeName=k,AttributeType=S', '--key-schema', 'AttributeName=k,KeyType=HASH', '--billing-mode', 'PAY_PER_REQUEST']);
const item = { k: { S: 'clé' }, n: { N: '1.50' }, yes: { BOOL: true }, none: { NULL: true }, list: { L: [{ S: 'x' }, { N: '2' }, { L: [] }] }, map: { M: { '東': { S: '京' } } }, set: { SS: ['b', 'a'] } };
await must(['dynamodb', 'put-item', '--table-name', 'output-items', '--item', JSON.stringify(item)]);
await must(['secretsmanager', 'create-secret', '--name', 'output/one', '--secret-string', '{"user":"ünïcode","pass":"p@ss"}', '--description', 'first']);
await must(['secretsmanager', 'create-secret', '--name', 'output/two', '--secret-string', 'plain']);
for (const [name, value] of [['/output/a', 'alpha'], ['/output/b', 'βeta'], ['/output/c', '']] as const)
  await must(['ssm', 'put-parameter', '--name', name, '--type', 'SecureString', '--value', value === '' ? ' ' : value]);

type Variant = Readonly<{ output: 'json' | 'text' | 'table'; query?: string; color?: boolean }>;
type Case = Readonly<{ args: readonly string[]; operation: string; variants: readonly Variant[] }>;

const PLAIN: readonly Variant[] = [{ output: 'json' }, { output: 'text' }, { output: 'table' }];
const LITERAL = '`{"a": [[1, 2], []], "b": true, "c": null, "d": "", "e": {}, "f": 1.0, "g": 1e-05, "h": 12345678901234567890, "i": 1764180000.0, "j": -0.0}`';
const WIDE = '`{"名前": "東京タワー", "emoji": "😀😀", "mix": "aé東", "list": [{"ключ": "значение", "n": 1}, {"ключ": "東", "n": 22}]}`';

const CASES: readonly Case[] = [
  { args: ['sts', 'get-caller-identity'], operation: 'GetCallerIdentity', variants: [...PLAIN, { output: 'table', color: true }, { output: 'text', query: 'Account' }] },
  {
    args: ['sts', 'get-caller-identity'],
    operation: 'GetCallerIdentity',
    variants: [
      { output: 'json', query: LITERAL }, { output: 'text', query: LITERAL }, { output: 'table', query: LITERAL },
      { output: 'json', query: WIDE }, { output: 'text', query: WIDE }, { output: 'table', query: WIDE }, { output: 'table', query: WIDE, color: true },
      { output: 'table', query: '`[{"a": 1}, {"a": 2, "b": [1, 2]}, {"c": {"d": [{"e": "x"}]}}]`' },
      { output: 'text', query: '`[{"a": 1}, {"a": [2], "b": [1, 2]}]`' },
      { output: 'json', query: 'nothing' }, { output: 'text', query: 'nothing' }, { output: 'table', query: 'nothing' },
      { output: 'json', query: '`{}`' }, { output: 'text', query: '`""`' }, { output: 'table', query: '`0`' },
    ],
  },
  {
    args: ['sts', 'get-caller-identity'],
    operation: 'GetCallerIdentity',
    variants: [
      { output: 'json', query: 'foo[' }, { output: 'text', query: 'a ~ b' }, { output: 'json', query: '' },
      { output: 'json', query: 'abs(Account)' }, { output: 'json', query: 'nope(Account)' }, { output: 'table', query: 'sort(@)', color: true },
      { output: 'text', query: '`[[1, 2], [{"a": 1}, 5]]`' }, { output: 'table', query: '`[[1, 2], [3]]`' },
    ],
  },
  { args: ['s3api', 'list-buckets'], operation: 'ListBuckets', variants: [...PLAIN, { output: 'text', query: 'Buckets[].Name' }, { output: 'table', query: 'Buckets[0]' }, { output: 'json', query: 'length(Buckets)' }] },
  {
    args: ['s3api', 'get-bucket-tagging', '--bucket', 'output-alpha'],
    operation: 'GetBucketTagging',
    variants: [...PLAIN, { output: 'table', color: true }, { output: 'text', query: "TagSet[?Key=='Name'].Value | [0]" }, { output: 'table', query: 'TagSet[?Value==``]' }],
  },
  { args: ['s3api', 'list-objects-v2', '--bucket', 'output-alpha'], operation: 'ListObjectsV2', variants: [...PLAIN, { output: 'text', query: 'Contents[].Key' }, { output: 'table', query: 'Contents[].{K: Key, S: Size}' }] },
  { args: ['s3api', 'list-objects-v2', '--bucket', 'output-alpha', '--delimiter', '/'], operation: 'ListObjectsV2', variants: PLAIN },
  { args: ['s3api', 'list-objects-v2', '--bucket', 'output-alpha', '--max-items', '1'], operation: 'ListObjectsV2', variants: [...PLAIN, { output: 'text', query: 'Contents[].Key' }] },
  { args: ['s3api', 'list-objects-v2', '--bucket', 'output-alpha', '--page-size', '1'], operation: 'ListObjectsV2', variants: [{ output: 'json' }, { output: 'table' }, { output: 'json', query: 'Contents[].Key' }, { output: 'text', query: 'Contents[].[Key, Size]' }] },
  { args: ['iam', 'get-user', '--user-name', 'output-user'], operation: 'GetUser', variants: PLAIN },
  { args: ['iam', 'get-role', '--role-name', 'output-role'], operation: 'GetRole', variants: [...PLAIN, { output: 'text', query: 'Role.AssumeRolePolicyDocument.Statement[].Principal.Service[]' }] },
  { args: ['iam', 'list-users', '--page-size', '1'], operation: 'ListUsers', variants: [{ output: 'json' }, { output: 'table' }, { output: 'text', query: 'Users[].[UserName, Path]' }] },
  {
    args: ['ec2', 'describe-instances'],
    operation: 'DescribeInstances',
    variants: [...PLAIN, { output: 'table', query: 'Reservations[].Instances[].[InstanceId, State.Name, Tags[?Key==`Name`].Value | [0]]' }, { output: 'text', query: 'Reservations[].Instances[].Tags[]' }],
  },
  { args: ['ec2', 'describe-security-groups'], operation: 'DescribeSecurityGroups', variants: PLAIN },
  { args: ['ec2', 'describe-vpcs'], operation: 'DescribeVpcs', variants: [...PLAIN, { output: 'table', color: true }] },
  { args: ['dynamodb', 'describe-table', '--table-name', 'output-items'], operation: 'DescribeTable', variants: PLAIN },
  { args: ['dynamodb', 'scan', '--table-name', 'output-items'], operation: 'Scan', variants: [...PLAIN, { output: 'json', query: 'Items[0].n' }] },
  { args: ['dynamodb', 'list-tables', '--page-size', '1'], operation: 'ListTables', variants: [{ output: 'json' }, { output: 'table' }] },
  { args: ['secretsmanager', 'describe-secret', '--secret-id', 'output/one'], operation: 'DescribeSecret', variants: PLAIN },
  { args: ['secretsmanager', 'get-secret-value', '--secret-id', 'output/one'], operation: 'GetSecretValue', variants: [...PLAIN, { output: 'text', query: 'SecretString' }] },
  { args: ['secretsmanager', 'list-secrets'], operation: 'ListSecrets', variants: [...PLAIN, { output: 'text', query: 'SecretList[].Name' }] },
  { args: ['secretsmanager', 'list-secrets', '--page-size', '1'], operation: 'ListSecrets', variants: [{ output: 'json' }, { output: 'table' }] },
  { args: ['ssm', 'get-parameters-by-path', '--path', '/output', '--with-decryption'], operation: 'GetParametersByPath', variants: [...PLAIN, { output: 'text', query: 'Parameters[].[Name, Value]' }] },
  { args: ['ssm', 'get-parameter', '--name', '/output/b', '--with-decryption'], operation: 'GetParameter', variants: PLAIN },
];

/** The operations above that botocore paginates (the CLI prints their text output page by page). */
const PAGINATED = new Set(
  JSON.parse(
    await runCliPython(
      `import botocore.session, json, sys
s = botocore.session.get_session()
print(json.dumps([op for svc, op in json.load(sys.stdin) if s.get_paginator_model(svc)._paginator_config.get(op)]))`,
      JSON.stringify(CASES.map((c) => [c.args[0] === 's3api' ? 's3' : c.args[0], c.operation])),
    ),
  ) as string[],
);

/**
 * Text output of a paginated operation as document-output.ts makes it: the CLI prints each page as one line of
 * JSON (`--output text --query 'to_string(@)'`), each page goes through the query and the text renderer.
 */
const pagedText = async (args: readonly string[], query: string | undefined): Promise<RenderedCase> => {
  const pages = (await must([...args, '--output', 'text', '--query', 'to_string(@)'])).split('\n').filter((line) => line !== '');
  let stdout = '';
  for (const page of pages) {
    const printed = renderCase({ doc: '', query: query ?? null, format: 'text' }, page);
    stdout += printed.stdout;
    if (printed.code !== 0) return { ...printed, stdout };
  }
  return { stdout, stderr: '', code: 0, queryFailed: false };
};

/** A --query the broker leaves to the CLI: the CLI runs as asked, its stdout withheld (exit 255 if it printed). */
const withheld = (real: FormatResult, issue: QueryIssue): RenderedCase =>
  real.code === 0 && real.stdout !== '' ? { stdout: '', stderr: issue.stderr, code: 255, queryFailed: false } : { ...real, stdout: '', queryFailed: false };

const describe = (v: Variant): string => `--output ${v.output}${v.query === undefined ? '' : ` --query '${v.query}'`}${v.color === true ? ' --color on' : ''}`;

for (const c of CASES)
  t.test(`aws ${c.args.join(' ')}`, async (t) => {
    const printed = await must([...c.args, '--output', 'json']);
    await Promise.all(
      c.variants.map(async (v) => {
        const real = await aws([...c.args, '--output', v.output, ...(v.query === undefined ? [] : ['--query', v.query]), ...(v.color === true ? ['--color', 'on'] : [])]);
        const expected: FormatResult = { stdout: real.stdout.toString(), stderr: real.code === 0 ? '' : real.stderr, code: real.code ?? -1 };
        const compiled = v.query === undefined ? undefined : compileQuery(v.query);
        const asked = { doc: '', query: v.query ?? null, format: v.output, color: v.color ?? false, title: c.operation };
        const mine =
          compiled !== undefined && !compiled.ok
            ? withheld(expected, compiled.issue)
            : v.output === 'text' && PAGINATED.has(c.operation)
              ? await pagedText(c.args, v.query)
              : renderCase(asked, printed);
        // A query failing as it evaluates prints the library's message where the CLI prints Python's.
        if (mine.queryFailed) t.ok(matchesCli(mine, expected, asked), `${describe(v)}: fails as the CLI fails`, { mine, expected });
        else t.same({ stdout: mine.stdout, stderr: mine.stderr, code: mine.code }, expected, describe(v));
      }),
    );
  });

t.test('tables in terminals of other widths (a pseudo-terminal: the CLI reads the width from stdout)', async (t) => {
  const wide = ['sts', 'get-caller-identity', '--query', WIDE];
  const rows: readonly (readonly [readonly string[], string, number])[] = [
    [['sts', 'get-caller-identity'], 'GetCallerIdentity', 40],
    [['sts', 'get-caller-identity'], 'GetCallerIdentity', 200],
    [wide, 'GetCallerIdentity', 30],
    [['s3api', 'get-bucket-tagging', '--bucket', 'output-alpha'], 'GetBucketTagging', 60],
    [['s3api', 'get-bucket-tagging', '--bucket', 'output-alpha'], 'GetBucketTagging', 250],
    [['ec2', 'describe-vpcs'], 'DescribeVpcs', 50],
  ];
  for (const [args, operation, columns] of rows) {
    const printed = await must([...args.filter((_, i) => args[i] !== '--query' && args[i - 1] !== '--query'), '--output', 'json']);
    const query = args.includes('--query') ? args[args.indexOf('--query') + 1]! : null;
    const real = await runAwsInTerminal([...args, '--output', 'table', '--color', 'off'], moto.url, columns);
    const mine = renderCase({ doc: '', query, format: 'table', columns, title: operation }, printed);
    t.same({ stdout: mine.stdout, code: mine.code }, { stdout: real.output, code: real.code }, `${args.slice(0, 2).join(' ')} at ${columns} columns`);
  }
});
