// The warm executor under bubblewrap through the whole gateway: with `--executor auto --isolation bwrap` the broker
// runs warm inside bwrap, gives the real CLI's output and exit codes, and audits each fork's pid in command.started.
import t from 'tap';
import { startMoto } from '../helpers/moto.js';
import { startBroker, writeAllowAllPolicy } from '../helpers/broker.js';
import { readAuditRecords } from '../helpers/audit.js';
import { agentEnv, runAws } from '../helpers/shim.js';
import { runAwsDirect } from '../helpers/real-aws.js';

const moto = await startMoto();
t.teardown(moto.stop);
const broker = await startBroker({ endpointUrl: moto.url, args: ['--executor', 'auto', '--exec-workers', '2', '--isolation', 'bwrap', '--policy', await writeAllowAllPolicy()], startTimeoutMs: 90_000 });
t.teardown(broker.stop);
const env = await agentEnv(broker.url, await broker.token());

t.test('the start-up line says warm under bwrap', async (t) => {
  t.match(broker.stderr(), /aws-guard: isolation: bwrap /);
  t.match(broker.stderr(), /aws-guard: executor: warm \(2 workers under bwrap, \/\S*python\S* \d+\.\d+\.\d+, awscli /);
});

t.test('commands through the gateway give what the real CLI gives', async (t) => {
  t.equal((await runAws(['s3api', 'create-bucket', '--bucket', 'warm-bwrap-e2e'], { env })).code, 0);
  const up = await runAws(['s3', 'cp', '-', 's3://warm-bwrap-e2e/k'], { env, input: Buffer.from('under bwrap\n'.repeat(2000)) });
  t.equal(up.code, 0, up.stderr);
  for (const args of [['s3', 'cp', 's3://warm-bwrap-e2e/k', '-'], ['s3api', 'head-object', '--bucket', 'warm-bwrap-e2e', '--key', 'missing'], ['iam', 'list-rolez']]) {
    const through = await runAws(args, { env });
    const direct = await runAwsDirect(args, moto.url);
    t.equal(through.code, direct.code, `${args.join(' ')}: exit code`);
    t.ok(through.stdout.equals(direct.stdout), `${args.join(' ')}: stdout`);
    t.equal(through.stderr, direct.stderr, `${args.join(' ')}: stderr`);
  }
});

t.test('command.started names the fork\'s pid, as it names a spawned CLI\'s', async (t) => {
  const all = await readAuditRecords(broker.dataDir);
  const executed = all.filter((r) => r.type === 'command.executed').map((r) => r.requestId);
  const started = all.filter((r) => r.type === 'command.started');
  // `iam list-rolez` is refused by the broker's parser: nothing ran, nothing started. The other four ran warm.
  t.equal(executed.length, 4, 'four commands ran');
  t.same(started.map((r) => r.requestId), executed, 'each one that ran was audited as started, before it ended');
  const pids = started.map((r) => r.data['pid']);
  for (const pid of pids) t.type(pid, 'number', 'with its pid');
  t.equal(new Set(pids).size, pids.length, 'one fork per command');
});
