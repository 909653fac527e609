// The warm executor is the real CLI: for a table of real command lines against moto, a fork of a warm worker
// gives byte-identical stdout, stderr and exit code to a spawned CLI.
import t from 'tap';
import { runAwsCli } from '@aws-guard/broker/exec/run-aws-cli';
import { createWarmPool } from '@aws-guard/broker/exec/warm/warm-pool';
import { workerScript } from '@aws-guard/broker/exec/warm/worker-script';
import { startMoto } from '../../../../../test/helpers/moto.js';
import { resolvePythonCli, runIn, type RunFn } from './warm-fixture.js';

const { cli, python } = await resolvePythonCli();
const moto = await startMoto();
t.teardown(moto.stop);
const pool = createWarmPool({ python, script: workerScript(), cliPath: cli.path, size: 2, log: () => undefined });
t.teardown(pool.close);
if ((await pool.ready) !== 2) throw new Error('the warm workers did not start');

const aws = (run: RunFn, args: string[], stdin?: Buffer) => runIn(run, cli.path, ['--endpoint-url', moto.url, ...args], stdin === undefined ? {} : { stdin });

// Set up through spawn: a bucket with three objects, for listings and a paginated call.
for (const args of [['s3api', 'create-bucket', '--bucket', 'parity'], ...['a', 'b', 'c'].map((k) => ['s3api', 'put-object', '--bucket', 'parity', '--key', k])]) {
  const r = await aws(runAwsCli, args);
  if (r.outcome.exitCode !== 0) throw new Error(`setup ${args.join(' ')}: ${r.stderr.toString()}`);
}

const usage = cli.major === 1 ? 2 : 252;
const cases: { name: string; args: string[]; exit: number | 'nonzero'; stdin?: Buffer }[] = [
  { name: 'list-buckets', args: ['s3api', 'list-buckets'], exit: 0 },
  { name: 'get-caller-identity', args: ['sts', 'get-caller-identity'], exit: 0 },
  { name: '--query and text output', args: ['s3api', 'list-objects-v2', '--bucket', 'parity', '--query', 'Contents[].Key', '--output', 'text'], exit: 0 },
  { name: 'paginated: --max-items 1 gives a NextToken', args: ['s3api', 'list-objects-v2', '--bucket', 'parity', '--max-items', '1'], exit: 0 },
  { name: 'table output', args: ['iam', 'list-roles', '--output', 'table'], exit: 0 },
  { name: 'a service error', args: ['s3api', 'get-object', '--bucket', 'parity', '--key', 'missing', '/dev/null'], exit: 'nonzero' },
  { name: 'an unknown operation (usage error)', args: ['iam', 'list-rolez'], exit: usage },
  { name: 'a missing required parameter', args: ['s3api', 'get-object', '--bucket', 'parity'], exit: usage },
  { name: 'a parameter that fails validation', args: ['iam', 'get-role', '--role-name', ''], exit: 'nonzero' },
  { name: 'stdin upload: s3 cp - s3://…', args: ['s3', 'cp', '-', 's3://parity/from-stdin', '--only-show-errors'], exit: 0, stdin: Buffer.from('bytes from stdin\n'.repeat(1000)) },
  { name: 'download to stdout: s3 cp s3://… -', args: ['s3', 'cp', 's3://parity/from-stdin', '-'], exit: 0 },
  { name: '--version', args: ['--version'], exit: 0 },
];

for (const c of cases) {
  t.test(c.name, async (t) => {
    const spawned = await aws(runAwsCli, c.args, c.stdin);
    const warm = await aws(pool.run, c.args, c.stdin);
    if (c.exit === 'nonzero') t.not(spawned.outcome.exitCode, 0, 'spawned: fails');
    else t.equal(spawned.outcome.exitCode, c.exit, 'spawned: exit code');
    t.equal(warm.outcome.exitCode, spawned.outcome.exitCode, 'same exit code');
    t.equal(warm.outcome.reason, spawned.outcome.reason, 'same reason');
    t.equal(warm.stdout.toString('utf8'), spawned.stdout.toString('utf8'), 'same stdout');
    t.ok(warm.stdout.equals(spawned.stdout), 'stdout byte-identical');
    t.equal(warm.stderr.toString('utf8'), spawned.stderr.toString('utf8'), 'same stderr');
    t.equal(warm.outcome.stdoutBytes, spawned.outcome.stdoutBytes);
    t.not(warm.pid, undefined, 'the fork has a pid');
    t.not(warm.pid, spawned.pid);
  });
}

t.test('the upload through stdin arrived whole', async (t) => {
  const r = await aws(pool.run, ['s3', 'cp', 's3://parity/from-stdin', '-']);
  t.equal(r.stdout.toString(), 'bytes from stdin\n'.repeat(1000));
});
