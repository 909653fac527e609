// Under bubblewrap too the warm executor is the real CLI: the parity table against moto gives byte-identical
// stdout, stderr and exit code from a warm fork in its own namespaces and from a spawned `bwrap … -- aws`. And the
// executor choice: with bwrap active, `auto` runs warm under it.
import t from 'tap';
import { runAwsCli } from '@aws-guard/broker/exec/run-aws-cli';
import { sandboxIsolation } from '@aws-guard/broker/exec/isolation';
import { selectIsolation } from '@aws-guard/broker/exec/select-isolation';
import { createWarmPool } from '@aws-guard/broker/exec/warm/warm-pool';
import { selectExecutor } from '@aws-guard/broker/exec/warm/select-executor';
import { workerScript } from '@aws-guard/broker/exec/warm/worker-script';
import { startMoto } from '../../../../../test/helpers/moto.js';
import { resolvePythonCli, runIn, type RunFn } from './warm-fixture.js';
import { checkParity, parityCases, setupParity } from './parity-cases.js';

const { cli, python } = await resolvePythonCli();
const selected = await selectIsolation({ mode: 'bwrap', cliPath: cli.path, pathEnv: process.env['PATH'] ?? '', hide: [] });
if (!selected.ok || selected.value.kind !== 'bwrap') throw new Error(`bwrap is needed here: ${JSON.stringify(selected)}`);
const plan = selected.value;
const moto = await startMoto();
t.teardown(moto.stop);
const pool = createWarmPool({ python, script: workerScript(), cliPath: cli.path, size: 2, isolation: plan, log: () => undefined });
t.teardown(pool.close);
if ((await pool.ready) !== 2) throw new Error('the warm workers did not start under bwrap');

// Both ways under bwrap, with the same layout.
const aws = (run: RunFn, args: string[], stdin?: Buffer) =>
  runIn(run, cli.path, ['--endpoint-url', moto.url, ...args], { ...(stdin === undefined ? {} : { stdin }), over: (s) => ({ isolation: sandboxIsolation(plan, s) }) });

await setupParity(aws);

for (const c of parityCases(cli.major)) {
  t.test(c.name, async (t) => {
    const spawned = await aws(runAwsCli, c.args, c.stdin);
    const warm = await aws(pool.run, c.args, c.stdin);
    checkParity(t, c, spawned, warm);
  });
}

t.test('with bwrap active, auto chooses warm under bwrap, proven by a first command', async (t) => {
  const logs: string[] = [];
  const executor = await selectExecutor({ mode: 'auto', workers: 1, cli, isolation: plan, log: (_l, m) => logs.push(m) });
  t.teardown(executor.close);
  t.equal(executor.kind, 'warm', logs.join('\n'));
  t.match(executor.describe, /^warm \(1 worker under bwrap, /);
  const r = await runIn(executor.run, cli.path, ['--endpoint-url', moto.url, 'sts', 'get-caller-identity'], { over: (s) => ({ isolation: sandboxIsolation(plan, s) }) });
  t.equal(r.outcome.exitCode, 0, r.stderr.toString());
});
