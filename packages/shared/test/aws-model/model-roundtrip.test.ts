// Every operation of every service, parsed from its own CLI name, names the API operation the model holds;
// and every API name in the model is an operation of that service in botocore's own service-2.json (read
// here directly, not derived from the CLI name by any case conversion).
import t from 'tap';
import { createModelStore, sourceModelDir } from '@aws-guard/shared/aws-model/model-store';
import { parseCommand } from '@aws-guard/shared/command/parse-command';
import { allLeaves, minimalArgv } from '../helpers/argv-corpus.js';
import { botocoreDataDir, botocoreOperations } from '../helpers/botocore-models.js';

const model = createModelStore(sourceModelDir());

t.test('every operation and custom command parses from its CLI name to its own API operation', async (t) => {
  let operations = 0;
  const wrong: string[] = [];
  for (const name of model.commandNames()) {
    if (model.command(name)?.preview) continue;
    for (const leaf of allLeaves(model, [name])) {
      const argv = minimalArgv(leaf, model);
      const r = parseCommand(argv, { model });
      const [, ...op] = leaf.path;
      if (!r.ok) wrong.push(`aws ${argv.join(' ')}: ${r.issue.code} ${r.issue.message.slice(0, 120)}`);
      else if (r.value.service !== name || r.value.operation !== op.join(' ')) wrong.push(`aws ${argv.join(' ')}: parsed as ${r.value.service} ${r.value.operation}`);
      else if (leaf.kind === 'operation' && r.value.apiOperation !== leaf.api) wrong.push(`aws ${argv.join(' ')}: ${r.value.apiOperation} ≠ ${leaf.api}`);
      if (leaf.kind === 'operation') operations += 1;
    }
  }
  t.same(wrong.slice(0, 20), [], `${wrong.length} commands do not round-trip`);
  t.ok(operations > 18_000, `${operations} operations round-tripped`);
});

t.test("every API name in the model is one of botocore's operations for that service, spelled the same", async (t) => {
  const data = botocoreDataDir();
  let checked = 0;
  const unknown: string[] = [];
  for (const name of model.commandNames()) {
    const service = model.command(name)?.botocoreService;
    if (service === null || service === undefined) continue;
    const ops = botocoreOperations(data, service);
    for (const leaf of allLeaves(model, [name])) {
      if (leaf.kind !== 'operation') continue;
      checked += 1;
      if (!ops.has(leaf.api)) unknown.push(`${name} ${leaf.path.slice(1).join(' ')} → ${leaf.api}`);
    }
  }
  t.same(unknown, [], 'no API name outside botocore');
  t.ok(checked > 18_000, `${checked} checked`);
  // The names the design calls out: not what a naive kebab→Pascal conversion would give.
  t.equal(model.operation('rds', 'describe-db-instances')?.api, 'DescribeDBInstances');
  t.equal(model.operation('wafv2', 'update-web-acl')?.api, 'UpdateWebACL');
  t.equal(model.operation('guardduty', 'delete-ip-set')?.api, 'DeleteIPSet');
  t.equal(model.operation('sagemaker', 'create-auto-ml-job-v2')?.api, 'CreateAutoMLJobV2');
});
