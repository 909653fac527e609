// Throughput of one broker under many agents (issue 8): AGENTS concurrent agents, each running COMMANDS commands
// one after another (`sts get-caller-identity`, `s3api list-buckets`, `iam list-roles` in turn) through the shim's
// own client code (bench-lib/in-process-shim.mjs: a WebSocket per command, no Node start per command), against
// moto_server on loopback. Brokers side by side in one run, one after the other on the same emulator, each a
// column `EXECUTOR[/ISOLATION]` (isolation `none` unless named): by default `warm`, `spawn` and `warm/bwrap` (the
// default configuration: warm forks inside bubblewrap namespaces), all with the default `exec.maxConcurrent` (8).
// Per column: commands/s, p50/p95/max latency, the broker's peak RSS (VmHWM of the Node process; the warm
// workers are separate processes), and its audit: exactly AGENTS×COMMANDS `command.executed` records, and
// `aws-guard audit verify` passing; and CPU per command by process (broker, CLIs, moto, the agents), whose sum
// bounds the rate two idle cores could reach. Targets: ≥ 25 commands/s, peak RSS ≤ 400 MB.
// Usage: node scripts/bench-throughput.mjs [AGENTS] [COMMANDS] [columns, comma-separated; default warm,spawn,warm/bwrap]
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundle, pct, startBenchEnv, startMoto } from './bench-lib/bench-env.mjs';
import { loadInProcessShim } from './bench-lib/in-process-shim.mjs';
import { cpuMs, mib, readVmBytes, resetPeakRss } from './bench-lib/proc-status.mjs';

const AGENTS = Number(process.argv[2] ?? 20);
const COMMANDS = Number(process.argv[3] ?? 50);
const COLUMNS = (process.argv[4] ?? 'warm,spawn,warm/bwrap').split(',');
const ROTATION = [['sts', 'get-caller-identity'], ['s3api', 'list-buckets'], ['iam', 'list-roles']];

const shim = await loadInProcessShim();
const moto = await startMoto();
const cwd = mkdtempSync(join(tmpdir(), 'bench-throughput-'));

/** The audit of a stopped broker: how many records of each type (the warm-up's left out), and whether `audit verify` passes. */
const auditOf = (dataDir) => {
  const exported = spawnSync(bundle, ['audit', 'export', '--data-dir', dataDir, '--format', 'jsonl'], { encoding: 'utf8', maxBuffer: 1 << 30 });
  if (exported.status !== 0) throw new Error(`audit export failed: ${exported.stderr}`);
  const types = {};
  for (const line of exported.stdout.split('\n')) {
    if (line === '') continue;
    const { type, actor } = JSON.parse(line);
    // The warm-up agent's command is not part of the measured run.
    if (actor?.agent === 'warmup') continue;
    types[type] = (types[type] ?? 0) + 1;
  }
  const verify = spawnSync(bundle, ['audit', 'verify', '--data-dir', dataDir], { encoding: 'utf8' });
  return { types, verified: verify.status === 0, verifyOutput: `${verify.stdout}${verify.stderr}`.trim() };
};

const runColumn = async (column) => {
  const [executor, isolation = 'none'] = column.split('/');
  const env = await startBenchEnv({ moto: moto.url, brokerArgs: ['--executor', executor, '--isolation', isolation] });
  const tokens = Array.from({ length: AGENTS }, (_, i) => env.tokenFor(`agent-${String(i + 1).padStart(2, '0')}`));
  // One warm-up command, so that neither column pays the first CLI start (models, worker readiness) in its figures.
  const warmup = await shim.run({ url: env.url, token: env.tokenFor('warmup'), argv: ['sts', 'get-caller-identity'], cwd });
  if (warmup.code !== 0) throw new Error(`${executor}: the warm-up command failed (${warmup.code}): ${warmup.stderr}`);
  const pid = env.broker.pid;
  const rssBefore = readVmBytes(pid, 'VmRSS');
  const peakReset = resetPeakRss(pid);
  const load0 = loadavg()[0];
  const cpu0 = { broker: cpuMs(pid), moto: cpuMs(moto.pid), bench: process.cpuUsage() };

  const latencies = [];
  const failures = [];
  const t0 = performance.now();
  await Promise.all(tokens.map(async (token, agent) => {
    for (let i = 0; i < COMMANDS; i++) {
      const argv = ROTATION[(agent + i) % ROTATION.length];
      const r = await shim.run({ url: env.url, token, argv, cwd });
      latencies.push(r.ms);
      if (r.code !== 0) failures.push(`agent ${agent + 1} #${i + 1} ${argv.join(' ')}: exit ${r.code}: ${r.stderr.trim().split('\n').pop()}`);
    }
  }));
  const seconds = (performance.now() - t0) / 1000;
  const peak = readVmBytes(pid, 'VmHWM');
  const load1 = loadavg()[0];
  // Per command: the broker's own CPU, the CLIs' (everything the broker started: warm workers and their forks, or
  // the spawned CLIs), moto's, and this process's (the agents' client side). Their sum bounds what 2 idle cores do.
  const broker1 = cpuMs(pid);
  const bench1 = process.cpuUsage(cpu0.bench);
  const n = latencies.length;
  const cpu = {
    broker: (broker1.own - cpu0.broker.own) / n,
    cli: (broker1.tree - broker1.own - (cpu0.broker.tree - cpu0.broker.own)) / n,
    moto: (cpuMs(moto.pid).tree - cpu0.moto.tree) / n,
    agents: (bench1.user + bench1.system) / 1000 / n,
  };
  env.stop();
  await env.exited;
  const audit = auditOf(env.dataDir);
  return { executor: column, seconds, latencies, failures, rssBefore, peak, peakReset, load0, load1, audit, cpu };
};

const columns = [];
for (const column of COLUMNS) columns.push(await runColumn(column));
moto.stop();

const total = AGENTS * COMMANDS;
const perSecond = (c) => c.latencies.length / c.seconds;
const rows = [
  ['commands/s (target ≥ 25)', (c) => perSecond(c).toFixed(1)],
  ['wall time', (c) => `${c.seconds.toFixed(1)} s`],
  ['latency p50', (c) => `${pct(c.latencies, 50).toFixed(0)} ms`],
  ['latency p95', (c) => `${pct(c.latencies, 95).toFixed(0)} ms`],
  ['latency max', (c) => `${Math.max(...c.latencies).toFixed(0)} ms`],
  ['CPU/command: broker', (c) => `${c.cpu.broker.toFixed(1)} ms`],
  ['CPU/command: CLIs', (c) => `${c.cpu.cli.toFixed(1)} ms`],
  ['CPU/command: moto', (c) => `${c.cpu.moto.toFixed(1)} ms`],
  ['CPU/command: agents (client)', (c) => `${c.cpu.agents.toFixed(1)} ms`],
  ['idle 2-core bound (2000/Σ CPU)', (c) => `${(2000 / (c.cpu.broker + c.cpu.cli + c.cpu.moto + c.cpu.agents)).toFixed(1)}/s`],
  ['failed commands', (c) => String(c.failures.length)],
  ['broker RSS before', (c) => mib(c.rssBefore)],
  ['broker peak RSS (≤ 400 MB)', (c) => `${mib(c.peak)}${c.peakReset ? '' : ' (since start)'}`],
  [`command.executed (= ${total})`, (c) => String(c.audit.types['command.executed'] ?? 0)],
  ['audit verify', (c) => (c.audit.verified ? 'ok' : 'FAILED')],
  ['load average', (c) => `${c.load0.toFixed(2)} → ${c.load1.toFixed(2)}`],
];
console.log(`${AGENTS} agents × ${COMMANDS} commands (${ROTATION.map((c) => c.join(' ')).join(' | ')}), one broker per column (executor/isolation), 2-core machine`);
console.log(`${''.padEnd(32)}${columns.map((c) => c.executor.padStart(16)).join('')}`);
for (const [name, f] of rows) console.log(`${name.padEnd(32)}${columns.map((c) => f(c).padStart(16)).join('')}`);
const warm = columns.find((c) => c.executor === 'warm');
const spawned = columns.find((c) => c.executor === 'spawn');
if (warm !== undefined && spawned !== undefined) {
  console.log(`ratio warm/spawn: commands/s ${(perSecond(warm) / perSecond(spawned)).toFixed(2)}x, p50 ${(pct(warm.latencies, 50) / pct(spawned.latencies, 50)).toFixed(2)}x, p95 ${(pct(warm.latencies, 95) / pct(spawned.latencies, 95)).toFixed(2)}x, peak RSS ${(warm.peak / spawned.peak).toFixed(2)}x`);
}
for (const c of columns) {
  for (const f of c.failures.slice(0, 5)) console.log(`${c.executor}: ${f}`);
  if (!c.audit.verified) console.log(`${c.executor}: audit verify: ${c.audit.verifyOutput}`);
  console.log(`${c.executor}: audit records by type: ${JSON.stringify(c.audit.types)}`);
}
const ok = columns.every((c) => c.failures.length === 0 && c.audit.verified && c.audit.types['command.executed'] === total);
process.exitCode = ok ? 0 : 1;
