// parseCommand against the real AWS CLI v1 on the same command lines (scripts/aws-model/cli_oracle.py runs the
// CLI's parser with every AWS call, file read and URL fetch replaced by a recorder). For each line: the same
// command and API operation, the same files loaded and URLs fetched, or the same stderr and exit code.
// The default run (~4k lines, ~35 s) covers the §9 table, every forbidden spelling, grammar corners, one
// operation of every service, every operation of the services below, seeded random lines and shorthand values.
// AWS_GUARD_ORACLE_FULL=1 takes every operation of every service, 20k random lines over all of them and 5k
// shorthand values (~45k lines, ~6 min).
import t from 'tap';
import { createModelStore, sourceModelDir } from '@aws-guard/shared/aws-model/model-store';
import { parseCommand } from '@aws-guard/shared/command/parse-command';
import { allLeaves, minimalArgv, pick, randomArgv, randomShorthand, seededRandom } from '../helpers/argv-corpus.js';
import { askOracle, differences, oracleAvailable } from '../helpers/cli-oracle.js';
import { CLI_TABLE } from '../helpers/cli-table.js';
import { FORBIDDEN_SPELLINGS } from '../helpers/forbidden-spellings.js';

const model = createModelStore(sourceModelDir());
const FUZZ_SEED = 20261126;
// Services whose every operation is in the default run: the ones agents use most, and those with custom
// commands, outfiles, streaming blobs, renamed or URL-disabled arguments.
const FULL_SERVICES = ['s3', 's3api', 'iam', 'sts', 'lambda', 'sqs', 'sns', 'kms', 'secretsmanager', 'cloudformation', 'ecr', 'eks', 'emr', 'deploy', 'configure', 'history', 'codecommit', 'servicecatalog', 'glacier', 'datapipeline', 'gamelift', 'cloudtrail', 'cloudfront', 'rds'];

// Grammar corners, each checked against the CLI rather than against our reading of argparse.
const EDGE_LINES: readonly (readonly string[])[] = [
  ['s3', 'cp', '--', '--', '--', 'a', 's3://b/k'],
  ['s3', 'cp', 'a', '--', 's3://b/k'],
  ['--', 's3api', 'list-buckets'],
  ['s3api', '--', 'list-buckets'],
  ['s3api', 'list-buckets', '--'],
  ['ec2', 'describe-instances', '--instance-ids', 'i-1', '--', 'i-2'],
  ['ec2', 'describe-instances', '--instance-ids', '-1', '-2.5', 'i-3'],
  ['ec2', 'describe-instances', '--instance-ids', '-x y'],
  ['ec2', 'describe-instances', '--max-items', '-5'],
  ['ec2', 'describe-instances', '--max-items', ' 7 '],
  ['ec2', 'describe-instances', '--max-items', '1_000'],
  ['ec2', 'describe-instances', '--max-items', '١٢'],
  ['ec2', 'describe-instances', '--max-items=', 'x'],
  ['ec2', 'describe-instances', '--page-size', '0x10'],
  ['s3api', 'list-objects-v2', '--bucket', 'b', '--max', '1'],
  ['s3api', 'list-objects-v2', '--bucket', 'b', '--max-k', '1', '--max-i', '2'],
  ['s3api', 'put-object', '--bucket', 'b', '--key', 'k', '--b', 'x'],
  ['s3', 'ls', '-'],
  ['s3', 'ls', '--', '-'],
  ['s3', 'cp', '-', '-'],
  ['s3', 'cp', 's3://a/b', 's3://c/d', 's3://e/f'],
  ['s3', 'mb', 's3://b', '--tags', 'k', 'v', '--tags', 'k2'],
  ['s3', 'sync', '.', 's3://b', '--exclude', '*', '--include', '*.py', '--delete', '--size-only'],
  ['s3', 'rm', 's3://b', '--recursive', '--exclude=*.txt'],
  ['s3', 'presign', 's3://b/k', '--expires-in'],
  ['configure', 'set', 'region'],
  ['configure', 'set', 'region', 'us-east-1', 'extra'],
  ['help', 'topics', 'x'],
  ['ec2', 'help', 'anything', '--else'],
  ['ec2', 'wait', 'help'],
  ['ec2', 'wait', 'instance-running', 'help'],
  ['sdb', 'help'],
  ['sdb', 'list-domains', 'help'],
  ['--color', 'rainbow', 's3', 'ls'],
  ['--output', 'yaml', 's3', 'ls'],
  ['--output', 'tabel', 's3', 'ls'],
  ['--cli-read-timeout', '1_0', 's3', 'ls'],
  ['--endpoint-url', 'localhost:9000', 's3', 'ls'],
  ['--endpoint-url', '9http://x', 's3', 'ls'],
  ['--endpoint-url', '', 's3', 'ls'],
  ['--region', 'us-east-1', '--region', 'eu-west-1', 'sts', 'get-caller-identity'],
  ['ec2', 'run-instances', '--image-id', 'a', '--count', '2:3', '--associate-public-ip-address'],
  ['ec2', 'modify-instance-attribute', '--instance-id', 'i', '--no-source-dest-check'],
  ['iam', 'create-virtual-mfa-device', '--virtual-mfa-device-name', 'm', '--outfile', 'file://o', '--bootstrap-method', 'QRCodePNG'],
  ['sqs', 'set-queue-attributes', '--queue-url', 'q', '--attributes', "Policy@='file://p.json',VisibilityTimeout=5"],
  ['sqs', 'set-queue-attributes', '--queue-url', 'q', '--attributes', '{"Policy":"x"}'],
  ['ec2', 'describe-instances', '--filters', 'Name=a,Values=[b@=file://v.txt]'],
  ['ec2', 'describe-instances', '--filters', 'Name@=fileb://n.bin,Values=b', 'Name=c,Values=d'],
  ['lambda', 'invoke', '--function-name', 'f', 'out', '--payload', 'https://example.com/p'],
  ['cloudformation', 'package', '--template-file', 'https://example.com/t', '--s3-bucket', 'b'],
  ['s3', 'cp', 'https://example.com/x', 's3://b/k'],
  ['s3', 'cp', 'a', 's3://b/k', '--website-redirect', 'https://example.com'],
  ['--no-paginate', 's3api', 'list-objects-v2', '--bucket', 'b', '--max-items', '1'],
];

const SHORTHAND_TARGETS: readonly (readonly string[])[] = [
  ['sqs', 'set-queue-attributes', '--queue-url', 'q', '--attributes'],
  ['ec2', 'describe-instances', '--filters'],
  ['dynamodb', 'put-item', '--table-name', 't', '--item'],
  ['s3', 'cp', 'a', 's3://b/k', '--metadata'],
  ['elb', 'register-instances-with-load-balancer', '--load-balancer-name', 'l', '--instances'],
];

const corpus = (): string[][] => {
  const lines: string[][] = [];
  for (const line of EDGE_LINES) lines.push([...line]);
  for (const row of CLI_TABLE) lines.push([...row.argv]);
  for (const spelling of FORBIDDEN_SPELLINGS) lines.push([...spelling.argv]);
  const full = process.env.AWS_GUARD_ORACLE_FULL === '1';
  const leaves = allLeaves(model, full ? undefined : FULL_SERVICES);
  for (const leaf of leaves) lines.push(minimalArgv(leaf, model));
  if (!full) for (const name of model.commandNames()) lines.push(minimalArgv(allLeaves(model, [name])[0] as never, model));
  const rng = seededRandom(FUZZ_SEED);
  const globals = model.globalArgs();
  const sample = full ? allLeaves(model) : leaves;
  const fuzzLines = full ? 20_000 : 1_500;
  for (let i = 0; i < fuzzLines; i += 1) lines.push(randomArgv(rng, sample[Math.floor(rng() * sample.length)] as never, globals));
  // Shorthand values on arguments that take them: which `@=` files the CLI loads.
  for (let i = 0; i < (full ? 5_000 : 300); i += 1) lines.push([...pick(rng, SHORTHAND_TARGETS), randomShorthand(rng)]);
  return lines;
};

t.test('parseCommand reads every command line the way the real AWS CLI v1 does', async (t) => {
  const missing = oracleAvailable();
  if (missing !== null) {
    t.fail(missing);
    return;
  }
  const lines = corpus();
  const answers = askOracle(lines);
  const disagreements: string[] = [];
  lines.forEach((argv, i) => {
    const diffs = differences(parseCommand(argv, { model }), answers[i] as never);
    if (diffs.length > 0) disagreements.push(`aws ${JSON.stringify(argv)}\n    ${diffs.join('\n    ')}`);
  });
  t.equal(disagreements.length, 0, `${disagreements.length} of ${lines.length} lines read differently:\n${disagreements.slice(0, 40).join('\n')}`);
  const refused = answers.filter((a) => a.kind === undefined && a.rc !== 0).length;
  t.ok(refused > lines.length / 10 && refused < lines.length * 0.9, `the corpus exercises both outcomes (${refused} of ${lines.length} refused)`);
});
