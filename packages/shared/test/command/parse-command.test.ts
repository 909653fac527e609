// The expected parses of AWS-CLI.md §9, row by row, for a v1 broker and (where the row says) a v2 broker; plus
// the ParsedCommand contract itself: frozen, region resolution, failures as values.
import t, { type Test } from 'tap';
import { createModelStore, sourceModelDir } from '@aws-guard/shared/aws-model/model-store';
import { parseCommand, type ParseResult } from '@aws-guard/shared/command/parse-command';
import { CLI_TABLE, type Expect } from '../helpers/cli-table.js';

const model = createModelStore(sourceModelDir());

const check = (t: Test, result: ParseResult, expect: Expect): void => {
  if (expect.error !== undefined) {
    t.notOk(result.ok, 'is refused');
    if (result.ok) return;
    t.equal(result.issue.code, expect.error.code);
    t.equal(result.issue.exitCode, expect.error.exitCode);
    if (expect.error.message !== undefined) t.match(result.issue.message, expect.error.message);
    t.ok(result.issue.stderr.length > 0, 'carries the text the CLI prints');
    return;
  }
  t.ok(result.ok, result.ok ? 'parses' : `parses (got ${result.issue.code}: ${result.issue.message.slice(0, 200)})`);
  if (!result.ok) return;
  const cmd = result.value;
  const fields = ['service', 'operation', 'apiOperation', 'apiOperations', 'iamActions', 'localOnly', 'region'] as const;
  for (const field of fields) if (expect[field] !== undefined) t.same(cmd[field], expect[field], field);
  if (expect.stdin !== undefined) t.equal(cmd.readsStdin, expect.stdin, 'readsStdin');
  if (expect.reads !== undefined) t.same(cmd.localFiles.filter((f) => f.direction === 'in').map((f) => f.path), expect.reads, 'local reads');
  if (expect.writes !== undefined) t.same(cmd.localFiles.filter((f) => f.direction === 'out').map((f) => f.path), expect.writes, 'local writes');
  if (expect.deletes !== undefined) t.same(cmd.localFiles.filter((f) => f.deletes === true).map((f) => f.path), expect.deletes, 'local deletes');
  if (expect.globals !== undefined) t.match(cmd.globals, expect.globals, 'globals');
  if (expect.params !== undefined) t.match(cmd.params, expect.params, 'params');
  if (expect.forbidden !== undefined) t.same(cmd.forbidden.map((f) => f.code), expect.forbidden, 'forbidden');
};

for (const row of CLI_TABLE) {
  t.test(`§9 row ${row.row} (v1): aws ${row.argv.join(' ')}`, async (t) => {
    check(t, parseCommand(row.argv, { model }), row.v1);
  });
  if (row.v2 !== undefined) {
    const expect = row.v2;
    t.test(`§9 row ${row.row} (v2): aws ${row.argv.join(' ')}`, async (t) => {
      check(t, parseCommand(row.argv, { model, cliMajor: 2 }), expect);
    });
  }
}

t.test('a parsed command is deeply frozen', async (t) => {
  const result = parseCommand(['s3', 'cp', './a', 's3://b/k', '--exclude', '*.log'], { model });
  t.ok(result.ok);
  if (!result.ok) return;
  t.ok(Object.isFrozen(result.value));
  t.ok(Object.isFrozen(result.value.params));
  t.ok(Object.isFrozen(result.value.params.exclude));
  t.ok(Object.isFrozen(result.value.localFiles[0]));
  t.throws(() => {
    (result.value.apiOperations as string[]).push('DeleteBucket');
  });
});

t.test('the region is --region, else what the CLI version reads from the environment', async (t) => {
  const region = (argv: string[], env: Record<string, string>, cliMajor: 1 | 2 = 1) => {
    const r = parseCommand(argv, { model, env, cliMajor });
    return r.ok ? r.value.region : 'refused';
  };
  t.equal(region(['sts', 'get-caller-identity', '--region', 'eu-west-1'], { AWS_DEFAULT_REGION: 'us-east-1' }), 'eu-west-1');
  t.equal(region(['sts', 'get-caller-identity', '--reg=ap-south-1'], {}), 'ap-south-1', 'abbreviated with =');
  t.equal(region(['sts', 'get-caller-identity'], { AWS_REGION: 'eu-west-3', AWS_DEFAULT_REGION: 'us-west-1' }), 'us-west-1', 'v1 ignores AWS_REGION');
  t.equal(region(['sts', 'get-caller-identity'], { AWS_REGION: 'eu-west-3', AWS_DEFAULT_REGION: 'us-west-1' }, 2), 'eu-west-3', 'v2 reads AWS_REGION first');
  t.equal(region(['sts', 'get-caller-identity'], { AWS_REGION: 'eu-west-3' }), null);
  t.equal(region(['sts', 'get-caller-identity', '--region='], { AWS_DEFAULT_REGION: 'us-west-2' }), 'us-west-2', 'an empty --region is ignored, as the CLI does');
});

t.test('an unknown service or operation is a value with the CLI usage text, never a throw', async (t) => {
  const service = parseCommand(['s3apii', 'list-buckets'], { model });
  t.notOk(service.ok);
  if (!service.ok) {
    t.equal(service.issue.code, 'PARSE_UNKNOWN_SERVICE');
    t.equal(service.issue.exitCode, 2);
    t.match(service.issue.stderr, /^usage: \r/);
    t.match(service.issue.stderr, /Invalid choice: 's3apii', maybe you meant:\n\n {2}\* s3api\n/);
  }
  const v2 = parseCommand(['ec2', 'describe-instancez'], { model, cliMajor: 2 });
  t.notOk(v2.ok);
  if (!v2.ok) {
    t.equal(v2.issue.code, 'PARSE_UNKNOWN_OPERATION');
    t.equal(v2.issue.exitCode, 252);
    t.match(v2.issue.stderr, /\* describe-instances/);
  }
  const none = parseCommand([], { model });
  t.notOk(none.ok);
  if (!none.ok) t.equal(none.issue.code, 'PARSE_MISSING_COMMAND');
});

t.test('help is recognised wherever the CLI recognises it, and only there', async (t) => {
  const op = (argv: string[]) => {
    const r = parseCommand(argv, { model });
    return r.ok ? `${r.value.service}|${r.value.operation}|${r.value.localOnly}` : r.issue.code;
  };
  t.equal(op(['ec2', 'help']), 'ec2|help|true');
  t.equal(op(['ec2', 'describe-instances', 'help']), 'ec2|describe-instances help|true');
  t.equal(op(['ec2', 'describe-instances', 'help', '--region', 'x']), 'ec2|describe-instances help|true', 'a global after help is consumed first');
  t.equal(op(['help', 'topics']), '|help|true');
  t.equal(op(['help', 'nonsense']), 'PARSE_UNKNOWN_OPERATION');
  // The help positional of get-object is its outfile: `help` there is a file name.
  t.equal(op(['s3api', 'get-object', '--bucket', 'b', '--key', 'k', 'help']), 's3api|get-object|false');
  t.equal(op(['ec2', 'describe-instances', '--instance-ids', 'i-1', 'help']), 'ec2|describe-instances|false', 'a list option swallows it');
});

t.test('waiters, custom subcommands and container commands', async (t) => {
  const r = parseCommand(['cloudformation', 'wait', 'stack-create-complete', '--stack-name', 's'], { model });
  t.ok(r.ok);
  if (r.ok) t.same([r.value.operation, r.value.apiOperation], ['wait stack-create-complete', 'DescribeStacks']);
  const wait = parseCommand(['ec2', 'wait'], { model });
  t.notOk(wait.ok);
  if (!wait.ok) t.same([wait.issue.code, wait.issue.exitCode, wait.issue.stderr], ['PARSE_MISSING_SUBCOMMAND', 255, '\nusage: aws [options] <command> <subcommand> [parameters]\naws: error: too few arguments\n']);
  const helper = parseCommand(['codecommit', 'credential-helper', 'get'], { model });
  t.ok(helper.ok);
  if (helper.ok) t.same([helper.value.operation, helper.value.readsStdin], ['credential-helper get', true]);
  const preview = parseCommand(['sdb', 'list-domains'], { model });
  t.notOk(preview.ok);
  if (!preview.ok) t.same([preview.issue.code, preview.issue.exitCode], ['PARSE_PREVIEW_SERVICE', 1]);
});
