// Every custom command the model holds has an expansion, and every call named in an expansion is an
// operation of that botocore service in the model: the table cannot drift from the installed CLI silently.
import t from 'tap';
import { createModelStore, sourceModelDir } from '@aws-guard/shared/aws-model/model-store';
import { CUSTOM_EXPANSIONS, missingSubcommandUsage } from '@aws-guard/shared/command/custom-commands';
import { allLeaves } from '../helpers/argv-corpus.js';
import { botocoreDataDir, botocoreOperations } from '../helpers/botocore-models.js';

const model = createModelStore(sourceModelDir());

t.test('every custom command of the CLI is in the expansion table, and nothing else is', async (t) => {
  const customs = allLeaves(model).filter((n) => n.kind === 'custom').map((n) => n.path.join(' ')).sort();
  t.ok(customs.length > 70, `${customs.length} custom commands`);
  t.same(customs.filter((c) => !Object.hasOwn(CUSTOM_EXPANSIONS, c)), [], 'no custom command without an expansion');
  t.same(Object.keys(CUSTOM_EXPANSIONS).filter((c) => !customs.includes(c)), [], 'no expansion for a command the CLI lacks');
});

t.test("each expansion's calls are operations of botocore's models, spelled as botocore spells them", async (t) => {
  const data = botocoreDataDir();
  const apis = new Map<string, Set<string>>();
  const sample: Record<string, string | true | readonly string[]> = { paths: ['s3://a/k', 's3://b/k'], path: 's3://b', force: true, delete: true, 's3-bucket': 'b', tags: ['k', 'v'] };
  const missing: string[] = [];
  for (const [name, expand] of Object.entries(CUSTOM_EXPANSIONS))
    for (const call of expand(sample).calls) {
      if (!apis.has(call.service)) apis.set(call.service, botocoreOperations(data, call.service));
      if (!apis.get(call.service)?.has(call.api)) missing.push(`${name}: ${call.service}:${call.api}`);
    }
  t.same(missing, []);
});

t.test('containers that only demand a subcommand are known by their CLI class', async (t) => {
  const containers = ['s3', 'history'].map((n) => model.node([n])).concat([model.node(['ec2', 'wait']), model.node(['codecommit', 'credential-helper'])]);
  for (const node of containers) t.ok(node?.kind === 'custom' && missingSubcommandUsage(node) !== null, node?.path.join(' ') ?? 'missing node');
  const deploy = model.node(['cloudformation', 'deploy']);
  t.ok(deploy?.kind === 'custom' && deploy.subcommands.length > 0 && missingSubcommandUsage(deploy) === null, 'cloudformation deploy runs without one');
});
