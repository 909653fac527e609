// File transfer through the gateway against the real CLI directly, same emulator, same file, one run: MB/s both
// ways, the ratio, and peak RSS of the shim, the broker (growth above its RSS before) and the direct CLI.
// Usage: SIZE_MB=1024 node scripts/bench-transfer.mjs (default 1024 MiB; moto keeps objects in memory).
import { spawn } from 'node:child_process';
import { startBenchEnv } from './bench-lib/bench-env.mjs';
import { createReadStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { createHash, randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SIZE_MB = Number(process.env.SIZE_MB ?? 1024);
const SIZE = SIZE_MB * 1024 * 1024;

const vm = (pid, field) => { try { const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8')); return m ? Number(m[1]) * 1024 : 0; } catch { return 0; } };
const resetPeak = (pid) => { try { writeFileSync(`/proc/${pid}/clear_refs`, '5'); return true; } catch { return false; } };
const watch = (pid) => { let peak = 0; const sample = () => (peak = Math.max(peak, vm(pid, 'VmHWM'), vm(pid, 'VmRSS'))); sample(); const timer = setInterval(sample, 50); return () => { sample(); clearInterval(timer); return peak; }; };
/** Runs a command in `cwd`, timing it and polling its peak RSS until it exits. */
const run = (cmd, args, env, cwd) => new Promise((resolve) => {
  const t0 = performance.now();
  const c = spawn(cmd, args, { env, cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  const stop = watch(c.pid);
  let err = '';
  c.stderr.on('data', (d) => (err += d));
  c.on('close', (code) => resolve({ seconds: (performance.now() - t0) / 1000, code, err, peak: stop() }));
});
const sha256 = async (path) => { const h = createHash('sha256'); for await (const c of createReadStream(path, { highWaterMark: 1 << 20 })) h.update(c); return h.digest('hex'); };
const MB = (bytes) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

const work = mkdtempSync(join(tmpdir(), 'bench-transfer-'));
const source = join(work, 'big.bin');
{
  const handle = await open(source, 'wx');
  for (let left = SIZE; left > 0; left -= 1 << 20) await handle.write(randomBytes(Math.min(1 << 20, left)));
  await handle.close();
}
const digest = await sha256(source);

const { motoUrl, dataDir, broker, cliPath, shim: shimPath, directEnv, shimEnv, stop } = await startBenchEnv();
const direct = (args) => run(cliPath, ['--endpoint-url', motoUrl, ...args], directEnv, work);
const shim = async (args) => {
  const before = vm(broker.pid, 'VmRSS');
  const reset = resetPeak(broker.pid);
  const hwm = vm(broker.pid, 'VmHWM');
  const stopBroker = watch(broker.pid);
  const r = await run(shimPath, args, shimEnv, work);
  const growth = Math.max(0, stopBroker() - (reset ? before : Math.max(before, hwm)));
  // The audit's durationMs is the CLI's own run: the rest is the gateway (staging the file, returning it).
  const audit = readFileSync(join(dataDir, 'audit', 'audit.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  const cliSeconds = (audit.filter((a) => a.type === 'command.executed').at(-1)?.data.durationMs ?? 0) / 1000;
  return { ...r, brokerBefore: before, brokerGrowth: growth, cliSeconds };
};
const must = (r, what) => { if (r.code !== 0) throw new Error(`${what} failed (${r.code}): ${r.err}`); return r; };

try {
  must(await direct(['s3', 'mb', 's3://bench']), 'mb');
  const upDirect = must(await direct(['s3', 'cp', 'big.bin', 's3://bench/direct.bin']), 'direct upload');
  must(await direct(['s3', 'rm', 's3://bench/direct.bin']), 'rm'); // moto holds objects in memory
  const upShim = must(await shim(['s3', 'cp', 'big.bin', 's3://bench/shim.bin']), 'shim upload');
  const downDirect = must(await direct(['s3', 'cp', 's3://bench/shim.bin', 'direct-out.bin']), 'direct download');
  const ok1 = (await sha256(join(work, 'direct-out.bin'))) === digest;
  rmSync(join(work, 'direct-out.bin'));
  const downShim = must(await shim(['s3', 'cp', 's3://bench/shim.bin', 'shim-out.bin']), 'shim download');
  const ok2 = (await sha256(join(work, 'shim-out.bin'))) === digest;
  if (!ok1 || !ok2) throw new Error(`a download differs from the source (direct ${ok1}, shim ${ok2})`);

  const rate = (r) => SIZE / 1024 / 1024 / r.seconds;
  console.log(`aws s3 cp of a ${SIZE_MB} MiB file, up then down, AWS CLI at ${cliPath}, emulator moto on loopback; both downloads byte-identical`);
  for (const [dir, d, s] of [['upload', upDirect, upShim], ['download', downDirect, downShim]]) {
    console.log(`${dir.padEnd(9)} direct ${rate(d).toFixed(1).padStart(6)} MB/s (${d.seconds.toFixed(1)} s)   through aws-guard ${rate(s).toFixed(1).padStart(6)} MB/s (${s.seconds.toFixed(1)} s)   ratio shim/direct time ${(s.seconds / d.seconds).toFixed(2)}x`);
    const moved = s.seconds - s.cliSeconds;
    console.log(`${''.padEnd(9)} through aws-guard: the broker's CLI ran ${s.cliSeconds.toFixed(1)} s; the rest, ${moved.toFixed(1)} s (${(SIZE / 1024 / 1024 / moved).toFixed(1)} MB/s), is the file crossing the gateway and start-up`);
    console.log(`${''.padEnd(9)} peak RSS: shim ${MB(s.peak)}, broker +${MB(s.brokerGrowth)} (from ${MB(s.brokerBefore)}), direct CLI ${MB(d.peak)}`);
  }
} finally {
  stop();
  rmSync(work, { recursive: true, force: true });
}
