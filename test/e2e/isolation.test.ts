// The broker confines the real CLI with bubblewrap where it works (auto), says so at start and in
// `aws-guard doctor`, refuses to start when bwrap is demanded but missing, and a cancel still kills the
// whole bwrap'd tree.
import t from 'tap';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBroker } from '../helpers/broker.js';
import { startMoto } from '../helpers/moto.js';
import { agentEnv, runAws, shimBinDir } from '../helpers/shim.js';
import { runGuard } from '../helpers/guard-cli.js';
import { realAwsCli } from '../helpers/real-aws.js';
import { FIXTURES } from '../helpers/paths.js';
import { descendants, isGone } from '../helpers/process-tree.js';

const moto = await startMoto();
t.teardown(moto.stop);

t.test('auto picks bwrap here: the start-up says so and commands run inside it', async (t) => {
  const broker = await startBroker({ endpointUrl: moto.url });
  t.teardown(broker.stop);
  t.match(broker.stderr(), /aws-guard: isolation: bwrap \d+\.\d+\.\d+ \(.*bwrap\): the CLI sees only system directories/);
  const res = await runAws(['sts', 'get-caller-identity'], { env: await agentEnv(broker.url, await broker.token()) });
  t.equal(res.code, 0, res.stderr);
  t.match(JSON.parse(res.stdout.toString()), { Account: /^\d{12}$/ });
  const started = readFileSync(join(broker.dataDir, 'audit', 'audit.jsonl'), 'utf8').split('\n')[0]!;
  t.match(JSON.parse(started), { type: 'broker.started', data: { isolation: 'bwrap' } }, 'the audit records it too');
});

t.test('isolation: none runs unconfined and warns at start', async (t) => {
  const broker = await startBroker({ endpointUrl: moto.url, env: { AWS_GUARD_ISOLATION: 'none' } });
  t.teardown(broker.stop);
  t.match(broker.stderr(), 'aws-guard: warning: isolation: none (isolation: none configured): the CLI can read every file the broker can');
});

t.test('bwrap demanded where it is missing, or an unknown mode: the broker does not start', async (t) => {
  // A PATH with node (the bundle's interpreter) and nothing else: no bwrap.
  const bin = await mkdtemp(join(tmpdir(), 'aws-guard-nobwrap-'));
  await symlink(process.execPath, join(bin, 'node'));
  const { path: cli } = await realAwsCli();
  await t.rejects(startBroker({ awsCli: cli, args: ['--isolation', 'bwrap'], env: { PATH: bin } }), /exited with 78[\s\S]*isolation: bwrap is configured but bwrap is not on PATH: apt-get install bubblewrap/);
  await t.rejects(startBroker({ awsCli: cli, env: { AWS_GUARD_ISOLATION: 'sandbox' } }), /exited with 78[\s\S]*isolation: /);
});

const gone = isGone;

t.test('Ctrl-C in the agent kills the bwrap\'d CLI and its child, whose pids the host sees only from outside', async (t) => {
  const broker = await startBroker({ awsCli: join(FIXTURES, 'fake-aws', 'sleepy-aws') });
  t.teardown(broker.stop);
  t.match(broker.stderr(), 'isolation: bwrap');
  const env = await agentEnv(broker.url, await broker.token());
  const shim = spawn(join(await shimBinDir(), 'aws'), ['s3', 'ls'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const exit = new Promise<number | null>((resolve) => shim.once('exit', (code) => resolve(code)));
  let out = '';
  await new Promise<void>((resolve, reject) => {
    shim.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      if (/child \d+\n/.test(out)) resolve();
    });
    void exit.then((code) => reject(new Error(`shim exited ${code} early: ${out}`)));
  });
  t.match(out, /^pid 2\n/, 'the CLI is pid 2 of its own namespace (bwrap\'s init is 1)');
  const tree = descendants(broker.pid);
  t.ok(tree.length >= 4, `bwrap, its init, node and sleep run under the broker: ${tree.join(' ')}`);
  shim.kill('SIGINT');
  t.equal(await exit, 130);
  for (let i = 0; i < 100 && tree.some((p) => !gone(p)); i++) await new Promise((r) => setTimeout(r, 50));
  t.same(tree.filter((p) => !gone(p)), [], 'every process of the tree is gone');
});

t.test('aws-guard doctor reports the isolation, the running broker and the token, in text and JSON', async (t) => {
  const broker = await startBroker({ endpointUrl: moto.url });
  t.teardown(broker.stop);
  const token = await broker.token();
  const env = { PATH: process.env['PATH'], HOME: tmpdir(), AWS_GUARD_URL: broker.url, AWS_GUARD_TOKEN: token };
  const text = await runGuard(['doctor', '--data-dir', broker.dataDir], env);
  t.equal(text.code, 0, text.stdout + text.stderr);
  t.match(text.stdout, /^OK {4}isolation {4}bwrap /m);
  t.match(text.stdout, /^OK {4}audit chain {2}.* records verify/m);
  t.match(text.stdout, /^OK {4}broker {7}http:\/\/127\.0\.0\.1:\d+\/readyz is ready/m);
  // The executor the config would use (the default, auto: warm under bwrap) in the doctor's own line, and the
  // running broker's in /readyz: spawn in the spawn test pass, warm otherwise (scripts/run-tests.mjs).
  t.match(text.stdout, /^OK {4}executor {5}warm \(2 workers under bwrap, /m);
  const running = process.env['AWS_GUARD_TEST_EXECUTOR'] === 'spawn' ? /executor: spawn \(exec\.executor is spawn\)/ : /executor: warm \(2 workers under bwrap, /;
  t.match(text.stdout.split('\n').find((l) => l.includes('readyz is ready')) ?? '', running);
  t.match(text.stdout, /^OK {4}agent token  agent test-agent for alice, role agent, expires in/m);
  t.notMatch(text.stdout, token.split('.')[2]!, 'the token is never printed');

  const json = await runGuard(['doctor', '--data-dir', broker.dataDir, '--json'], env);
  t.equal(json.code, 0, json.stderr);
  const report = JSON.parse(json.stdout) as { ok: boolean; checks: Array<{ name: string; status: string }> };
  t.equal(report.ok, true);
  t.same(report.checks.map((c) => c.name), ['config', 'aws cli', 'isolation', 'executor', 'data dir', 'audit chain', 'policy', 'broker', 'agent token']);
  t.ok(report.checks.every((c) => c.status === 'OK'), JSON.stringify(report.checks));

  const failing = await runGuard(['doctor', '--data-dir', broker.dataDir, '--json', '--policy', '/nonexistent/policy.yaml'], env);
  t.equal(failing.code, 1, 'a FAIL sets exit 1');
  t.match(JSON.parse(failing.stdout), { ok: false, checks: [{ name: 'config', status: 'OK' }] });
});
