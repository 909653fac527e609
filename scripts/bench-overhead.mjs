// Overhead of the gateway, and what the warm executor saves: N alternating rounds of `s3api list-buckets`,
// `sts get-caller-identity` and `iam list-roles`, each run (in turn, in one run, side by side):
//   direct  — the real CLI spawned against the emulator;
//   warm    — the warm executor (exec/warm) called in-process, a fork of a preloaded worker;
//   spawn   — through the shim and a broker with `--executor spawn`;
//   shim+warm — through the shim and a broker with `--executor warm`;
//   spawn+bwrap, warm+bwrap — the same two brokers with `--isolation bwrap` (the default wherever bwrap works).
// The first two brokers run `--isolation none`, so each pair of shim columns differs only by the executor.
// Prints p50/p95 per column, the ratios to direct and warm+bwrap/spawn+bwrap, plus the bundle's own start-up. Usage: node scripts/bench-overhead.mjs [N] (default 10 rounds = 30 commands per column).
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundle, pct, root, startBenchEnv } from './bench-lib/bench-env.mjs';
import { loadTsModule } from './load-ts-module.mjs';

const N = Number(process.argv[2] ?? 10);
const COMMANDS = [['s3api', 'list-buckets'], ['sts', 'get-caller-identity'], ['iam', 'list-roles']];

const run = (cmd, args, env) =>
  new Promise((resolve) => {
    const t0 = performance.now();
    const c = spawn(cmd, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    c.stderr.on('data', (d) => (err += d));
    c.on('close', (code) => resolve({ ms: performance.now() - t0, code, err }));
  });

const load0 = loadavg()[0];
const spawned = await startBenchEnv({ brokerArgs: ['--executor', 'spawn', '--isolation', 'none'] });
const warmed = await startBenchEnv({ brokerArgs: ['--executor', 'warm', '--isolation', 'none'] });
const spawnedBwrap = await startBenchEnv({ brokerArgs: ['--executor', 'spawn', '--isolation', 'bwrap'] });
const warmedBwrap = await startBenchEnv({ brokerArgs: ['--executor', 'warm', '--isolation', 'bwrap'] });
const { motoUrl, cliPath, directEnv } = spawned;

// The warm executor alone, as the broker builds it (same detection, same worker script).
const { resolveAwsCli } = await loadTsModule(join(root, 'packages/broker/src/exec/resolve-aws-cli.ts'));
const { detectPythonCli } = await loadTsModule(join(root, 'packages/broker/src/exec/warm/detect-python-cli.ts'));
const { createWarmPool } = await loadTsModule(join(root, 'packages/broker/src/exec/warm/warm-pool.ts'));
const script = join(root, 'packages/broker/python/aws_guard_worker.py');
const cli = await resolveAwsCli(cliPath, '');
if (!cli.ok) throw new Error(cli.issue.message);
const python = await detectPythonCli(cli.value, script);
if (!python.ok) throw new Error(`no warm executor here: ${python.issue.message}`);
const pool = createWarmPool({ python: python.value.python, script, cliPath: cli.value.path, size: 2, log: () => undefined });
if ((await pool.ready) === 0) throw new Error('the warm workers did not start');
const cwd = mkdtempSync(join(tmpdir(), 'bench-warm-'));
const runWarm = async (args) => {
  const t0 = performance.now();
  let err = '';
  const outcome = await pool.run(
    { cliPath: cli.value.path, args: ['--endpoint-url', motoUrl, ...args], env: { ...directEnv, HOME: cwd }, cwd, readsStdin: false, timeoutMs: 60_000, maxOutputBytes: 1 << 30, killGraceMs: 1000 },
    (stream, chunk) => void (stream === 'stderr' ? (err += chunk) : undefined),
  ).done;
  return { ms: performance.now() - t0, code: outcome.exitCode, err };
};

const columns = ['direct', 'warm', 'spawn', 'shim+warm', 'spawn+bwrap', 'warm+bwrap'];
const times = Object.fromEntries(columns.map((c) => [c, []]));
const start = [];
for (let i = 0; i < N; i++) {
  for (const command of COMMANDS) {
    const results = {
      direct: await run(cliPath, ['--endpoint-url', motoUrl, ...command], directEnv),
      warm: await runWarm(command),
      spawn: await run(spawned.shim, command, spawned.shimEnv),
      'shim+warm': await run(warmed.shim, command, warmed.shimEnv),
      'spawn+bwrap': await run(spawnedBwrap.shim, command, spawnedBwrap.shimEnv),
      'warm+bwrap': await run(warmedBwrap.shim, command, warmedBwrap.shimEnv),
    };
    for (const c of columns) {
      if (results[c].code !== 0) throw new Error(`round ${i} ${command.join(' ')} ${c} failed (${results[c].code}): ${results[c].err}`);
      times[c].push(results[c].ms);
    }
  }
  start.push((await run(bundle, ['--version'], directEnv)).ms);
}
pool.close();
spawned.stop();
warmed.stop();
spawnedBwrap.stop();
warmedBwrap.stop();

const label = {
  direct: 'direct (real CLI → emulator)',
  warm: 'warm executor, in-process',
  spawn: 'shim → broker (spawn)',
  'shim+warm': 'shim → broker (warm)',
  'spawn+bwrap': 'shim → broker (spawn, bwrap)',
  'warm+bwrap': 'shim → broker (warm, bwrap)',
};
const row = (name, xs) => `${name.padEnd(34)} p50 ${pct(xs, 50).toFixed(0).padStart(5)} ms   p95 ${pct(xs, 95).toFixed(0).padStart(5)} ms`;
const ratio = (c) => `${`  ratio ${c}/direct`.padEnd(34)} p50 ${(pct(times[c], 50) / pct(times.direct, 50)).toFixed(2)}x   p95 ${(pct(times[c], 95) / pct(times.direct, 95)).toFixed(2)}x`;
console.log(`${COMMANDS.map((c) => c.join(' ')).join(' | ')}: N=${N} alternating rounds (${N * COMMANDS.length} commands per column), AWS CLI at ${cliPath}`);
for (const c of columns) {
  console.log(row(label[c], times[c]));
  if (c !== 'direct') console.log(ratio(c));
}
console.log(`${'  ratio warm+bwrap/spawn+bwrap'.padEnd(34)} p50 ${(pct(times['warm+bwrap'], 50) / pct(times['spawn+bwrap'], 50)).toFixed(2)}x   p95 ${(pct(times['warm+bwrap'], 95) / pct(times['spawn+bwrap'], 95)).toFixed(2)}x`);
console.log(row('aws-guard --version (bundle start)', start));
console.log(`load average: ${load0.toFixed(2)} at start, ${loadavg()[0].toFixed(2)} at end`);
