// The command lines warm-parity.test.ts and warm-bwrap-parity.test.ts run both ways against moto (bucket
// `parity` with keys a, b, c made by setupParity), and the comparison each case must pass.
import type { Test } from 'tap';
import { runAwsCli } from '@aws-guard/broker/exec/run-aws-cli';
import type { Run, RunFn } from './warm-fixture.js';

export type ParityCase = { name: string; args: string[]; exit: number | 'nonzero'; stdin?: Buffer };

export const parityCases = (cliMajor: number): ParityCase[] => {
  const usage = cliMajor === 1 ? 2 : 252;
  return [
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
};

/** A bucket with three objects, made through spawn, for listings and a paginated call. */
export const setupParity = async (aws: (run: RunFn, args: string[]) => Promise<Run>): Promise<void> => {
  for (const args of [['s3api', 'create-bucket', '--bucket', 'parity'], ...['a', 'b', 'c'].map((k) => ['s3api', 'put-object', '--bucket', 'parity', '--key', k])]) {
    const r = await aws(runAwsCli, args);
    if (r.outcome.exitCode !== 0) throw new Error(`setup ${args.join(' ')}: ${r.stderr.toString()}`);
  }
};

/** Byte-identical stdout and stderr, same exit code and reason. */
export const checkParity = (t: Test, c: ParityCase, spawned: Run, warm: Run): void => {
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
};
