// Where the `aws` shim's milliseconds go (issue 8: "the shim's own start-up counts"). Side by side, in
// alternating rounds against one broker (warm executor, moto):
//   node -e 0 / an empty ES module   the runtime's floor, and what Node's ES module loader adds to it;
//   aws → shim.cjs                   the link `aws-guard shim install` makes (the shim's own CommonJS bundle);
//   aws → bin/aws-guard              older links, through the face-picking entry;
//   aws → BASELINE/aws-guard.mjs     with --baseline DIR: another build (e.g. a copy of bin/dist before a change).
// Each link runs twice: not configured (load, compile, evaluate, exit 253: no network) and a whole command.
// Every process reports its CPU time (user + system) at exit through a preloaded hook; the shim's own phase
// marks (AWS_GUARD_SHIM_TIMING=1, packages/cli/src/shim/shim-timing.ts) give the breakdown of a command.
// Usage: node scripts/bench-shim-startup.mjs [N rounds, default 15] [--baseline DIR]
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pct, root, startBenchEnv } from './bench-lib/bench-env.mjs';

const args = process.argv.slice(2);
const baselineAt = args.indexOf('--baseline');
const baseline = baselineAt === -1 ? undefined : args.splice(baselineAt, 2)[1];
const N = Number(args[0] ?? 15);
const COMMAND = ['sts', 'get-caller-identity'];

const scratch = mkdtempSync(join(tmpdir(), 'bench-shim-startup-'));
const cpuHook = join(scratch, 'cpu-at-exit.cjs');
writeFileSync(cpuHook, `process.on('exit', () => { const u = process.cpuUsage(); process.stderr.write('bench-cpu ' + (u.user + u.system) / 1000 + '\\n'); });\n`);
writeFileSync(join(scratch, 'empty.mjs'), '');

const load0 = loadavg()[0];
const env = await startBenchEnv({ brokerArgs: ['--executor', 'warm', '--isolation', 'none'] });

/** An `aws` link to `target` in its own directory. */
const linkAws = (name, target) => {
  mkdirSync(join(scratch, name));
  symlinkSync(target, join(scratch, name, 'aws'));
  return join(scratch, name, 'aws');
};
const links = [
  ['aws → shim.cjs', env.shim],
  ['aws → bin/aws-guard', linkAws('entry', join(root, 'bin', 'aws-guard'))],
  ...(baseline === undefined ? [] : [[`aws → ${baseline}/aws-guard.mjs`, linkAws('baseline', join(baseline, 'aws-guard.mjs'))]]),
];

const run = (cmd, argv, extraEnv) =>
  new Promise((resolve) => {
    const t0 = performance.now();
    const child = spawn(cmd, argv, { env: { ...extraEnv, NODE_OPTIONS: `--require ${cpuHook}` }, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => {
      const cpu = Number(/bench-cpu ([\d.]+)/.exec(err)?.[1] ?? NaN);
      const phases = Object.fromEntries([...err.matchAll(/aws-guard: timing (\S+)\s+at=\s*([\d.]+) ms(?: cpu=\s*([\d.]+) ms)?/g)].map((m) => [m[1], { at: Number(m[2]), cpu: m[3] === undefined ? NaN : Number(m[3]) }]));
      resolve({ ms: performance.now() - t0, code, cpu, phases, err });
    });
  });

const bare = { PATH: env.shimEnv.PATH, HOME: env.shimEnv.HOME };
const timed = { ...env.shimEnv, AWS_GUARD_SHIM_TIMING: '1' };
const variants = [
  ['node -e 0', () => run(process.execPath, ['-e', '0'], bare), 0],
  ['node, an empty ES module', () => run(process.execPath, [join(scratch, 'empty.mjs')], bare), 0],
  ...links.flatMap(([name, path]) => [
    [`${name}: not configured`, () => run(path, COMMAND, bare), 253],
    [`${name}: ${COMMAND.join(' ')}`, () => run(path, COMMAND, timed), 0],
  ]),
];

const results = Object.fromEntries(variants.map(([name]) => [name, []]));
for (let i = 0; i < N; i++) {
  for (const [name, go, expected] of variants) {
    const r = await go();
    if (r.code !== expected) throw new Error(`${name}: exit ${r.code}, expected ${expected}: ${r.err}`);
    results[name].push(r);
  }
}
env.stop();

const fmt = (x) => (Number.isNaN(x) ? '    -' : x.toFixed(0).padStart(5));
const floor = pct(results['node -e 0'].map((r) => r.ms), 50);
console.log(`aws ${COMMAND.join(' ')}: N=${N} alternating rounds; broker with the warm executor against moto; load average ${load0.toFixed(2)} at start, ${loadavg()[0].toFixed(2)} at end`);
console.log(`${''.padEnd(58)} wall p50   p95   cpu p50   wall p50 / node -e 0`);
for (const [name] of variants) {
  const rs = results[name];
  const wall = rs.map((r) => r.ms);
  console.log(`${name.padEnd(58)} ${fmt(pct(wall, 50))} ${fmt(pct(wall, 95))}   ${fmt(pct(rs.map((r) => r.cpu), 50))}     ${(pct(wall, 50) / floor).toFixed(2)}x`);
}
for (const [name] of links) {
  const rs = results[`${name}: ${COMMAND.join(' ')}`].filter((r) => Object.keys(r.phases).length > 0);
  if (rs.length === 0) continue;
  console.log(`\nphases through ${name} (p50; ms since the process began, and CPU used by then):`);
  let previous = 0;
  for (const phase of Object.keys(rs[0].phases)) {
    const at = pct(rs.map((r) => r.phases[phase]?.at ?? NaN), 50);
    const cpu = pct(rs.map((r) => r.phases[phase]?.cpu ?? NaN), 50);
    console.log(`  ${phase.padEnd(24)} at ${fmt(at)} ms  (+${fmt(at - previous)})   cpu ${fmt(cpu)} ms`);
    previous = at;
  }
}
