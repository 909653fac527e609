// A policy rule's `timeout` is the command's wall-time limit: the CLI is stopped when it passes, even though the
// broker's own exec.timeout is far longer, and the agent and the audit say so.
import t from 'tap';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBroker } from '../helpers/broker.js';
import { agentEnv, runAws } from '../helpers/shim.js';
import { FIXTURES } from '../helpers/paths.js';

const dir = await mkdtemp(join(tmpdir(), 'aws-guard-timeout-'));
const policyFile = join(dir, 'policy.yaml');
await writeFile(policyFile, `version: 1
rules:
  - id: quick-lists
    effect: allow
    actions: ['s3:ListAllMyBuckets']
    timeout: 1s
`);
// sleepy-aws never finishes: only a limit ends it.
const broker = await startBroker({ awsCli: join(FIXTURES, 'fake-aws', 'sleepy-aws'), args: ['--policy', policyFile, '--exec-timeout', '1h'] });
t.teardown(broker.stop);

t.test("the rule's limit stops the command, not the broker's hour", async (t) => {
  const res = await runAws(['s3api', 'list-buckets'], { env: await agentEnv(broker.url, await broker.token()) });
  t.not(res.code, 0);
  // The wording of the limit's owner is run-command's; the number is the rule's.
  t.match(res.stderr, /aws-guard: the command was stopped: it ran longer than (?:its|the broker's) limit of 1s\b/);
  const executed = (await readFile(join(broker.dataDir, 'audit', 'audit.jsonl'), 'utf8'))
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { type: string; code?: string; data: Record<string, unknown> })
    .filter((r) => r.type === 'command.executed');
  t.match(executed, [{ code: 'TIMEOUT', data: { reason: 'timeout', rule: 'quick-lists' } }]);
});
