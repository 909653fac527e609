// What bubblewrap costs each executor, in-process (no shim, no broker): N alternating rounds of
// `sts get-caller-identity` and `s3api list-buckets` against moto, each run four ways side by side, every one in a
// fresh request sandbox as the broker makes it: spawn (none), spawn+bwrap, warm (none), warm+bwrap. Prints p50/p95
// per column and the ratios warm+bwrap/spawn+bwrap and warm+bwrap/warm (the per-fork namespace cost).
// Usage: node scripts/bench-warm-bwrap.mjs [N] (default 10 rounds = 20 commands per column).
import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { freePort, pct, root, waitFor } from './bench-lib/bench-env.mjs';
import { loadTsModule } from './load-ts-module.mjs';

const N = Number(process.argv[2] ?? 10);
const COMMANDS = [['sts', 'get-caller-identity'], ['s3api', 'list-buckets']];
const mod = (path) => loadTsModule(join(root, 'packages/broker/src/exec', path));
const { resolveAwsCli } = await mod('resolve-aws-cli.ts');
const { selectIsolation } = await mod('select-isolation.ts');
const { sandboxIsolation } = await mod('isolation.ts');
const { createSandbox } = await mod('create-sandbox.ts');
const { sandboxEnv } = await mod('sandbox-env.ts');
const { runAwsCli } = await mod('run-aws-cli.ts');
const { detectPythonCli } = await mod('warm/detect-python-cli.ts');
const { createWarmPool } = await mod('warm/warm-pool.ts');

const load0 = loadavg()[0];
const motoPort = await freePort();
const moto = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(motoPort)], { stdio: 'ignore' });
const motoUrl = `http://127.0.0.1:${motoPort}`;
await waitFor(async () => (await fetch(`${motoUrl}/moto-api/`)).ok, 'moto_server');

const cli = await resolveAwsCli(undefined, process.env.PATH ?? '');
if (!cli.ok) throw new Error(cli.issue.message);
const script = join(root, 'packages/broker/python/aws_guard_worker.py');
const python = await detectPythonCli(cli.value, script);
if (!python.ok) throw new Error(`no warm executor here: ${python.issue.message}`);
const bwrap = await selectIsolation({ mode: 'bwrap', cliPath: cli.value.path, pathEnv: process.env.PATH ?? '', hide: [] });
if (!bwrap.ok) throw new Error(bwrap.issue.message);
const none = { kind: 'none', reason: 'bench' };
const pool = (isolation) => createWarmPool({ python: python.value.python, script, cliPath: cli.value.path, size: 2, isolation, log: () => undefined });
const warmNone = pool(none);
const warmBwrap = pool(bwrap.value);
if ((await warmNone.ready) === 0 || (await warmBwrap.ready) === 0) throw new Error('the warm workers did not start');

const runOne = async (run, plan, args) => {
  const sandbox = await createSandbox('us-east-1');
  const t0 = performance.now();
  let err = '';
  const outcome = await run(
    {
      cliPath: cli.value.path, args: ['--endpoint-url', motoUrl, ...args],
      env: sandboxEnv({ paths: sandbox, credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, forwarded: {}, columns: undefined }),
      cwd: sandbox.work, readsStdin: false, timeoutMs: 120_000, maxOutputBytes: 1 << 30, killGraceMs: 1000, isolation: sandboxIsolation(plan, sandbox),
    },
    (stream, chunk) => void (stream === 'stderr' ? (err += chunk) : undefined),
  ).done;
  const ms = performance.now() - t0;
  await sandbox.remove();
  if (outcome.exitCode !== 0) throw new Error(`${args.join(' ')} failed (${outcome.exitCode}): ${err}`);
  return ms;
};

const columns = {
  'spawn': (args) => runOne(runAwsCli, none, args),
  'spawn+bwrap': (args) => runOne(runAwsCli, bwrap.value, args),
  'warm': (args) => runOne(warmNone.run, none, args),
  'warm+bwrap': (args) => runOne(warmBwrap.run, bwrap.value, args),
};
const times = Object.fromEntries(Object.keys(columns).map((c) => [c, []]));
for (let i = 0; i < N; i++) for (const command of COMMANDS) for (const [c, run] of Object.entries(columns)) times[c].push(await run(command));
warmNone.close();
warmBwrap.close();
moto.kill('SIGTERM');

const row = (name) => `${name.padEnd(32)} p50 ${pct(times[name], 50).toFixed(0).padStart(5)} ms   p95 ${pct(times[name], 95).toFixed(0).padStart(5)} ms`;
const ratio = (a, b) => `${`  ratio ${a}/${b}`.padEnd(32)} p50 ${(pct(times[a], 50) / pct(times[b], 50)).toFixed(2)}x   p95 ${(pct(times[a], 95) / pct(times[b], 95)).toFixed(2)}x`;
console.log(`${COMMANDS.map((c) => c.join(' ')).join(' | ')}: N=${N} alternating rounds (${N * COMMANDS.length} commands per column), AWS CLI at ${cli.value.path}`);
for (const c of Object.keys(columns)) console.log(row(c));
console.log(ratio('warm+bwrap', 'spawn+bwrap'));
console.log(ratio('warm+bwrap', 'warm'));
console.log(ratio('spawn+bwrap', 'spawn'));
console.log(`load average: ${load0.toFixed(2)} at start, ${loadavg()[0].toFixed(2)} at end`);
