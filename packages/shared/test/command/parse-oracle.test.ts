// parseCommand against the real AWS CLI v1 on the same command lines (scripts/aws-model/cli_oracle.py runs the
// CLI's parser with every AWS call, file read and URL fetch replaced by a recorder). For each line: the same
// command and API operation, the same files loaded and URLs fetched, or the same stderr and exit code.
// The default run (~3k lines, ~40 s) covers the §9 table, every forbidden spelling, one operation of every
// service, every operation of the services below and seeded random lines. AWS_GUARD_ORACLE_FULL=1 adds the
// minimal line of every operation of every service and 20k random lines over all of them (~39k lines, ~8 min).
import t from 'tap';
import { createModelStore, sourceModelDir } from '@aws-guard/shared/aws-model/model-store';
import { parseCommand } from '@aws-guard/shared/command/parse-command';
import { allLeaves, minimalArgv, randomArgv, seededRandom } from '../helpers/argv-corpus.js';
import { askOracle, differences, oracleAvailable } from '../helpers/cli-oracle.js';
import { CLI_TABLE } from '../helpers/cli-table.js';
import { FORBIDDEN_SPELLINGS } from '../helpers/forbidden-spellings.js';

const model = createModelStore(sourceModelDir());
const FUZZ_SEED = 20261126;
// Services whose every operation is in the default run: the ones agents use most, and those with custom
// commands, outfiles, streaming blobs, renamed or URL-disabled arguments.
const FULL_SERVICES = ['s3', 's3api', 'iam', 'sts', 'lambda', 'sqs', 'sns', 'kms', 'secretsmanager', 'cloudformation', 'ecr', 'eks', 'emr', 'deploy', 'configure', 'history', 'codecommit', 'servicecatalog', 'glacier', 'datapipeline', 'gamelift', 'cloudtrail', 'cloudfront', 'rds'];

const corpus = (): string[][] => {
  const lines: string[][] = [];
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
