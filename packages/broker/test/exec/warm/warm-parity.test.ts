// The warm executor is the real CLI: for a table of real command lines against moto, a fork of a warm worker
// gives byte-identical stdout, stderr and exit code to a spawned CLI.
import t from 'tap';
import { runAwsCli } from '@aws-guard/broker/exec/run-aws-cli';
import { createWarmPool } from '@aws-guard/broker/exec/warm/warm-pool';
import { workerScript } from '@aws-guard/broker/exec/warm/worker-script';
import { startMoto } from '../../../../../test/helpers/moto.js';
import { resolvePythonCli, runIn, type RunFn } from './warm-fixture.js';
import { checkParity, parityCases, setupParity } from './parity-cases.js';

const { cli, python } = await resolvePythonCli();
const moto = await startMoto();
t.teardown(moto.stop);
const pool = createWarmPool({ python, script: workerScript(), cliPath: cli.path, size: 2, log: () => undefined });
t.teardown(pool.close);
if ((await pool.ready) !== 2) throw new Error('the warm workers did not start');

const aws = (run: RunFn, args: string[], stdin?: Buffer) => runIn(run, cli.path, ['--endpoint-url', moto.url, ...args], stdin === undefined ? {} : { stdin });

await setupParity(aws);

for (const c of parityCases(cli.major)) {
  t.test(c.name, async (t) => {
    const spawned = await aws(runAwsCli, c.args, c.stdin);
    const warm = await aws(pool.run, c.args, c.stdin);
    checkParity(t, c, spawned, warm);
  });
}

t.test('the upload through stdin arrived whole', async (t) => {
  const r = await aws(pool.run, ['s3', 'cp', 's3://parity/from-stdin', '-']);
  t.equal(r.stdout.toString(), 'bytes from stdin\n'.repeat(1000));
});
