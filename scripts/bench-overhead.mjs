// Overhead of the gateway: N alternating runs of the same command directly (real CLI → emulator) and
// through the shim (shim → broker → real CLI → emulator), in one run, side by side. Prints p50/p95 and
// ratios, plus the bundle's own start-up. Usage: node scripts/bench-overhead.mjs [N] (default 30).
import { spawn } from 'node:child_process';
import { bundle, pct, startBenchEnv } from './bench-env.mjs';

const N = Number(process.argv[2] ?? 30);
const COMMAND = ['s3api', 'list-buckets'];

const run = (cmd, args, env) => new Promise((resolve) => { const t0 = performance.now(); const c = spawn(cmd, args, { env, stdio: ['ignore', 'ignore', 'pipe'] }); let err = ''; c.stderr.on('data', (d) => (err += d)); c.on('close', (code) => resolve({ ms: performance.now() - t0, code, err })); });

// The built-in policy, as an operator would run it.
const { motoUrl, cliPath, shim, directEnv, shimEnv, stop } = await startBenchEnv({ policy: null });

const times = { direct: [], shim: [], start: [], node: [] };
for (let i = 0; i < N; i++) {
  const d = await run(cliPath, ['--endpoint-url', motoUrl, ...COMMAND], directEnv);
  const s = await run(shim, COMMAND, shimEnv);
  if (d.code !== 0 || s.code !== 0) throw new Error(`run ${i} failed: direct ${d.code} ${d.err} / shim ${s.code} ${s.err}`);
  times.direct.push(d.ms);
  times.shim.push(s.ms);
  times.start.push((await run(bundle, ['--version'], directEnv)).ms);
  times.node.push((await run(process.execPath, ['-e', '0'], directEnv)).ms);
}
stop();

const row = (name, xs) => `${name.padEnd(34)} p50 ${pct(xs, 50).toFixed(0).padStart(5)} ms   p95 ${pct(xs, 95).toFixed(0).padStart(5)} ms`;
console.log(`aws ${COMMAND.join(' ')}, N=${N} alternating runs, AWS CLI at ${cliPath}`);
console.log(row('direct (real CLI → emulator)', times.direct));
console.log(row('through the shim and broker', times.shim));
console.log(`ratio shim/direct                  p50 ${(pct(times.shim, 50) / pct(times.direct, 50)).toFixed(2)}x   p95 ${(pct(times.shim, 95) / pct(times.direct, 95)).toFixed(2)}x`);
console.log(row('aws-guard --version (bundle start)', times.start));
console.log(row('node -e 0 (runtime floor)', times.node));
