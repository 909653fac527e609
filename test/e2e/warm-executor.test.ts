// The warm executor through the whole gateway: a broker started with `--executor warm` says so, runs commands
// with the real CLI's output and exit codes, reads stdin, and its workers end with it.
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { startMoto } from '../helpers/moto.js';
import { startBroker, writeAllowAllPolicy } from '../helpers/broker.js';
import { agentEnv, runAws } from '../helpers/shim.js';
import { runAwsDirect } from '../helpers/real-aws.js';
import { readAuditRecords } from '../helpers/audit.js';

const moto = await startMoto();
t.teardown(moto.stop);
const broker = await startBroker({ endpointUrl: moto.url, args: ['--executor', 'warm', '--exec-workers', '2', '--isolation', 'none', '--policy', await writeAllowAllPolicy()] });
t.teardown(broker.stop);
const env = await agentEnv(broker.url, await broker.token());

const workers = (): number[] => {
  try {
    return execFileSync('pgrep', ['-P', String(broker.pid), '-f', 'aws_guard_worker.py'], { encoding: 'utf8' }).trim().split('\n').map(Number);
  } catch {
    return [];
  }
};

t.test('the start-up line says the warm executor is active, with its workers', async (t) => {
  t.match(broker.stderr(), /aws-guard: executor: warm \(2 workers, \/\S*python\S* \d+\.\d+\.\d+, awscli \d+\.\d+\.\d+, botocore \d+\.\d+\.\d+\)/);
  t.equal(workers().length, 2, 'two workers are children of the broker');
});

t.test('commands through the gateway give what the real CLI gives', async (t) => {
  t.equal((await runAws(['s3api', 'create-bucket', '--bucket', 'warm-e2e'], { env })).code, 0);
  const payload = Buffer.from('warm stdin\n'.repeat(5000));
  const up = await runAws(['s3', 'cp', '-', 's3://warm-e2e/k'], { env, input: payload });
  t.equal(up.code, 0, up.stderr);
  for (const args of [['s3', 'cp', 's3://warm-e2e/k', '-'], ['s3api', 'list-objects-v2', '--bucket', 'warm-e2e', '--query', 'Contents[].Key'], ['s3api', 'head-object', '--bucket', 'warm-e2e', '--key', 'missing'], ['iam', 'list-rolez']]) {
    const through = await runAws(args, { env });
    const direct = await runAwsDirect(args, moto.url);
    t.equal(through.code, direct.code, `${args.join(' ')}: exit code`);
    t.ok(through.stdout.equals(direct.stdout), `${args.join(' ')}: stdout`);
    t.equal(through.stderr, direct.stderr, `${args.join(' ')}: stderr`);
  }
});

t.test('every warm command that ran is audited as started, with the fork\'s pid, before its outcome', async (t) => {
  const records = await readAuditRecords(broker.dataDir);
  const executed = records.filter((r) => r.type === 'command.executed');
  t.ok(executed.length >= 5, 'the commands above were audited');
  for (const end of executed) {
    const steps = records.filter((r) => r.requestId === end.requestId).map((r) => r.type);
    const started = records.find((r) => r.requestId === end.requestId && r.type === 'command.started');
    t.ok(Number.isInteger(started?.data['pid']), `${end.requestId}: command.started with a pid`);
    t.ok(steps.indexOf('command.started') < steps.indexOf('command.executed'), `${end.requestId}: started before executed`);
  }
});

t.test('a worker killed is replaced; the next commands still run', async (t) => {
  const [first] = workers();
  process.kill(first!, 'SIGKILL');
  for (let i = 0; i < 3; i++) t.equal((await runAws(['sts', 'get-caller-identity'], { env })).code, 0, `command ${i}`);
  for (let i = 0; i < 100 && (workers().length < 2 || workers().includes(first!)); i++) await sleep(100);
  t.equal(workers().length, 2);
  t.notOk(workers().includes(first!));
});

t.test('the workers end with the broker', async (t) => {
  const before = workers();
  t.equal(before.length, 2);
  await broker.stop();
  for (let i = 0; i < 50 && before.some((pid) => { try { process.kill(pid, 0); return true; } catch { return false; } }); i++) await sleep(100);
  t.ok(before.every((pid) => { try { process.kill(pid, 0); return false; } catch { return true; } }), 'no worker left');
});
