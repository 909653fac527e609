// Overhead of the gateway: N alternating runs of the same command directly (real CLI → emulator) and
// through the shim (shim → broker → real CLI → emulator), in one run, side by side. Prints p50/p95 and
// ratios, plus the bundle's own start-up. Usage: node scripts/bench-overhead.mjs [N] (default 30).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const bundle = join(root, 'bin', 'aws-guard');
const N = Number(process.argv[2] ?? 30);
const COMMAND = ['s3api', 'list-buckets'];

const freePort = () => new Promise((resolve) => { const s = createServer().listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); }); });
const waitFor = async (check, what) => { for (let i = 0; i < 200; i++) { if (await check().catch(() => false)) return; await new Promise((r) => setTimeout(r, 100)); } throw new Error(`${what} did not start`); };
const run = (cmd, args, env) => new Promise((resolve) => { const t0 = performance.now(); const c = spawn(cmd, args, { env, stdio: ['ignore', 'ignore', 'pipe'] }); let err = ''; c.stderr.on('data', (d) => (err += d)); c.on('close', (code) => resolve({ ms: performance.now() - t0, code, err })); });
const pct = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]; };

const motoPort = await freePort();
const moto = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(motoPort)], { stdio: 'ignore' });
const motoUrl = `http://127.0.0.1:${motoPort}`;
await waitFor(async () => (await fetch(`${motoUrl}/moto-api/`)).ok, 'moto_server');

const dataDir = mkdtempSync(join(tmpdir(), 'bench-data-'));
const brokerPort = await freePort();
const broker = spawn(bundle, ['broker', '--listen', `127.0.0.1:${brokerPort}`, '--data-dir', dataDir, '--aws-endpoint-url', motoUrl, '--region', 'us-east-1', '--log-level', 'warn'], {
  env: { PATH: process.env.PATH, HOME: dataDir, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' },
  stdio: ['ignore', 'ignore', 'inherit'],
});
await waitFor(async () => (await fetch(`http://127.0.0.1:${brokerPort}/healthz`)).ok, 'broker');
const token = spawnSync(bundle, ['token', 'issue', '--data-dir', dataDir, '--agent', 'bench', '--for', 'bench'], { encoding: 'utf8' }).stdout.trim();

const cliPath = spawnSync('python3', ['-c', 'import shutil,sys; print(sys.prefix)'], { encoding: 'utf8' }).stdout.trim() + '/bin/aws';
const shimDir = mkdtempSync(join(tmpdir(), 'bench-shim-'));
symlinkSync(bundle, join(shimDir, 'aws'));
const directEnv = { PATH: '/usr/local/bin:/usr/bin:/bin', HOME: dataDir, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_DEFAULT_REGION: 'us-east-1' };
const shimEnv = { PATH: `${shimDir}:/usr/bin:/bin`, HOME: dataDir, AWS_GUARD_URL: `ws://127.0.0.1:${brokerPort}`, AWS_GUARD_TOKEN: token };

const times = { direct: [], shim: [], start: [], node: [] };
for (let i = 0; i < N; i++) {
  const d = await run(cliPath, ['--endpoint-url', motoUrl, ...COMMAND], directEnv);
  const s = await run(join(shimDir, 'aws'), COMMAND, shimEnv);
  if (d.code !== 0 || s.code !== 0) throw new Error(`run ${i} failed: direct ${d.code} ${d.err} / shim ${s.code} ${s.err}`);
  times.direct.push(d.ms);
  times.shim.push(s.ms);
  times.start.push((await run(bundle, ['--version'], directEnv)).ms);
  times.node.push((await run(process.execPath, ['-e', '0'], directEnv)).ms);
}
broker.kill('SIGTERM');
moto.kill('SIGTERM');

const row = (name, xs) => `${name.padEnd(34)} p50 ${pct(xs, 50).toFixed(0).padStart(5)} ms   p95 ${pct(xs, 95).toFixed(0).padStart(5)} ms`;
console.log(`aws ${COMMAND.join(' ')}, N=${N} alternating runs, AWS CLI at ${cliPath}`);
console.log(row('direct (real CLI → emulator)', times.direct));
console.log(row('through the shim and broker', times.shim));
console.log(`ratio shim/direct                  p50 ${(pct(times.shim, 50) / pct(times.direct, 50)).toFixed(2)}x   p95 ${(pct(times.shim, 95) / pct(times.direct, 95)).toFixed(2)}x`);
console.log(row('aws-guard --version (bundle start)', times.start));
console.log(row('node -e 0 (runtime floor)', times.node));
