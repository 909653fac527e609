// DESIGN §7.5/§7.6 through the parser: every spelling of every forbidden global option, forbidden and local-only
// commands, URL fetching and indirect paths. A forbidden use either parses with a `forbidden` entry naming what
// it resolved to, or is refused by the grammar — it never parses clean.
import t from 'tap';
import { createModelStore, sourceModelDir } from '@aws-guard/shared/aws-model/model-store';
import { parseCommand } from '@aws-guard/shared/command/parse-command';
import { FORBIDDEN_OPTIONS, FORBIDDEN_SPELLINGS, uniquePrefixes } from '../helpers/forbidden-spellings.js';

const model = createModelStore(sourceModelDir());

t.test('the spellings the design names are among the generated ones', async (t) => {
  const written = new Set(FORBIDDEN_SPELLINGS.map((s) => s.written));
  for (const w of ['--endp', '--endpoint', '--prof', '--deb', '--no-verify', '--ca', '--endpoint-url', '--no-sign']) t.ok(written.has(w), w);
  t.same(uniquePrefixes('debug')[0], 'd', '--d alone already means --debug');
  t.same(uniquePrefixes('ca-bundle')[0], 'ca', '--c is ambiguous, --ca is not');
});

for (const option of FORBIDDEN_OPTIONS) {
  t.test(`--${option} is caught however it is spelled and wherever it stands`, async (t) => {
    const spellings = FORBIDDEN_SPELLINGS.filter((s) => s.option === option);
    t.ok(spellings.length >= 10, `${spellings.length} spellings`);
    for (const { argv, written } of spellings) {
      const r = parseCommand(argv, { model });
      if (!r.ok) {
        t.fail(`aws ${argv.join(' ')}: refused (${r.issue.code}) where the CLI accepts it`);
        continue;
      }
      const hit = r.value.forbidden.find((f) => f.code === 'FORBIDDEN_OPTION');
      t.ok(hit, `aws ${argv.join(' ')}: flagged`);
      t.equal(hit?.arg, written, 'names the spelling the agent wrote');
      t.equal(hit?.resolved ?? hit?.arg, `--${option}`, 'names the option it resolved to');
    }
  });
}

t.test('a forbidden option as the value of another is the global option, and the other one fails', async (t) => {
  const r = parseCommand(['ssm', 'put-parameter', '--name', 'p', '--value', '--endpoint-url', 'http://x', '--type', 'String'], { model });
  t.notOk(r.ok, 'refused: --value lost its value');
  if (!r.ok) t.equal(r.issue.message, 'argument --value: expected one argument');
  const quoted = parseCommand(['ssm', 'put-parameter', '--name', 'p', '--value=--endpoint-url', '--type', 'String'], { model });
  t.ok(quoted.ok && quoted.value.forbidden.length === 0, 'with = it is only a value');
});

t.test('options after `--` are not options, so the line fails instead', async (t) => {
  const r = parseCommand(['s3api', 'list-buckets', '--', '--endpoint-url', 'http://x'], { model });
  t.notOk(r.ok);
  if (!r.ok) t.equal(r.issue.code, 'PARSE_UNKNOWN_OPTION');
});

t.test('flags given a value with = are refused by the grammar', async (t) => {
  for (const flag of ['--debug=1', '--deb=true', '--no-verify-ssl=x', '--no-sign=']) {
    const r = parseCommand(['s3api', 'list-buckets', flag], { model });
    t.notOk(r.ok, flag);
    if (!r.ok) t.match(r.issue.message, /ignored explicit argument/);
  }
});

t.test('ambiguous prefixes are refused, never guessed', async (t) => {
  for (const token of ['--no', '--no-', '--c', '--cli', '--cli-', '--v', '--=x']) {
    const r = parseCommand(['s3api', 'list-buckets', token, 'x'], { model });
    t.notOk(r.ok, token);
    if (!r.ok) t.equal(r.issue.code, 'PARSE_AMBIGUOUS_OPTION', token);
  }
});

t.test('local-only and host-touching commands are refused whatever the policy', async (t) => {
  const cases: [string[], string][] = [
    [['configure', 'list'], 'LOCAL_ONLY_COMMAND'],
    [['configure', 'set', 'region', 'us-east-1'], 'LOCAL_ONLY_COMMAND'],
    [['configure'], 'LOCAL_ONLY_COMMAND'],
    [['history', 'list'], 'LOCAL_ONLY_COMMAND'],
    [['eks', 'update-kubeconfig', '--name', 'c'], 'FORBIDDEN_COMMAND'],
    [['codeartifact', 'login', '--tool', 'npm', '--domain', 'd', '--repository', 'r'], 'FORBIDDEN_COMMAND'],
    [['emr', 'ssh', '--cluster-id', 'j-1', '--key-pair-file', 'k.pem'], 'FORBIDDEN_COMMAND'],
    [['emr', 'put', '--cluster-id', 'j-1', '--key-pair-file', 'k.pem', '--src', 'a'], 'FORBIDDEN_COMMAND'],
    [['ssm', 'start-session', '--target', 'i-1'], 'FORBIDDEN_COMMAND'],
    [['ecs', 'execute-command', '--cluster', 'c', '--task', 't', '--command', 'sh', '--interactive'], 'FORBIDDEN_COMMAND'],
    [['deploy', 'install', '--config-file', 'c.yml'], 'FORBIDDEN_COMMAND'],
    [['deploy', 'uninstall'], 'FORBIDDEN_COMMAND'],
    // codedeploy's subcommands hang under cloudformation deploy too, after deploy's own required options.
    [['cloudformation', 'deploy', '--template-file', 't.yaml', '--stack-name', 's', 'install', '--config-file', 'c.yml'], 'FORBIDDEN_COMMAND'],
  ];
  for (const [argv, code] of cases) {
    const r = parseCommand(argv, { model });
    t.ok(r.ok, `aws ${argv.join(' ')} parses`);
    if (r.ok) t.same(r.value.forbidden.map((f) => f.code), [code], `aws ${argv.join(' ')}`);
  }
});

t.test('v1 fetches http(s):// values; v2 never does; URL-valued arguments the CLI exempts are fine', async (t) => {
  const fetched = parseCommand(['apigateway', 'put-integration', '--rest-api-id', 'a', '--resource-id', 'r', '--http-method', 'GET', '--type', 'HTTP', '--uri', 'https://example.com'], { model });
  // The CLI's exemption list names this argument under "api-gateway", which never matches: v1 fetches it.
  t.ok(fetched.ok && fetched.value.forbidden.some((f) => f.code === 'FORBIDDEN_URL_PARAM'));
  const exempt = parseCommand(['sns', 'subscribe', '--topic-arn', 'arn', '--protocol', 'https', '--notification-endpoint', 'https://example.com/hook'], { model });
  t.ok(exempt.ok && exempt.value.forbidden.length === 0, 'sns subscribe --notification-endpoint is paramfile-disabled');
  const lists = parseCommand(['ec2', 'describe-instances', '--instance-ids', 'https://a', 'https://b'], { model });
  t.ok(lists.ok && lists.value.forbidden.length === 0, 'two list values are never loaded');
  const upper = parseCommand(['sqs', 'create-queue', '--queue-name', 'HTTPS://example.com'], { model });
  t.ok(upper.ok && upper.value.forbidden.length === 0, 'the prefix check is case-sensitive, as in the CLI');
  const v2 = parseCommand(['sqs', 'create-queue', '--queue-name', 'https://example.com/x'], { model, cliMajor: 2 });
  t.ok(v2.ok && v2.value.forbidden.length === 0);
  const custom = parseCommand(['s3', 'ls', 'https://example.com/x'], { model });
  t.ok(custom.ok && custom.value.forbidden.some((f) => f.code === 'FORBIDDEN_URL_PARAM'), 'custom-command positionals are loaded too');
});

t.test('a path argument given as file:// takes its path from the file: refused', async (t) => {
  for (const argv of [
    ['s3api', 'put-object', '--bucket', 'b', '--key', 'k', '--body', 'file://list.txt'],
    ['s3api', 'get-object', '--bucket', 'b', '--key', 'k', 'file://where.txt'],
    ['ec2', 'get-password-data', '--instance-id', 'i-1', '--priv-launch-key', 'file://k.txt'],
    ['ecs', 'deploy', '--service', 's', '--task-definition', 'file://td.txt', '--codedeploy-appspec', 'a.yaml'],
  ]) {
    const r = parseCommand(argv, { model });
    t.ok(r.ok && r.value.forbidden.some((f) => f.code === 'FORBIDDEN_INDIRECT_PATH'), `aws ${argv.join(' ')}`);
  }
  const disabled = parseCommand(['cloudformation', 'package', '--template-file', 'file://t.yaml', '--s3-bucket', 'b'], { model });
  t.ok(disabled.ok && disabled.value.forbidden.length === 0, '--template-file is paramfile-disabled: the text is the path');
});
