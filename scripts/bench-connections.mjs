// Idle agent connections (issue 8): CONNECTIONS agent WebSockets opened to one broker with the client's own code
// (packages/cli/src/client/broker-client.ts: bearer token, upgrade, hello) and held open without a command, then:
//   - the broker's RSS per held connection: (VmRSS with them held − VmRSS before) / CONNECTIONS (target ≤ 20 KB);
//   - the latency of a command (`sts get-caller-identity`) on a fresh connection while they are held, side by side
//     with the same commands before any were opened (in-process shim, warm executor, --isolation none).
// The bench process and the broker each hold CONNECTIONS sockets: the open-file limit (`ulimit -n`) must exceed
// that; the script checks and says how to raise it (it cannot raise its own). Both RSS readings are taken after a
// pause so that the broker's heap has settled; the broker runs with its defaults (no Node flags).
// Usage: node scripts/bench-connections.mjs [CONNECTIONS] [COMMANDS]   (default 5000 and 20)
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pct, root, startBenchEnv } from './bench-lib/bench-env.mjs';
import { loadInProcessShim } from './bench-lib/in-process-shim.mjs';
import { mib, readVmBytes } from './bench-lib/proc-status.mjs';
import { loadTsModule } from './load-ts-module.mjs';

const CONNECTIONS = Number(process.argv[2] ?? 5000);
const COMMANDS = Number(process.argv[3] ?? 20);
const OPEN_AT_ONCE = 50;
const SETTLE_MS = 3000;

const limit = Number(spawnSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).stdout.trim());
if (Number.isFinite(limit) && limit < CONNECTIONS + 512) {
  console.error(`the open-file limit is ${limit}: run \`ulimit -n ${CONNECTIONS + 1024}\` in this shell first (the hard limit is ${spawnSync('sh', ['-c', 'ulimit -Hn'], { encoding: 'utf8' }).stdout.trim()})`);
  process.exit(2);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const { connectBroker } = await loadTsModule(join(root, 'packages/cli/src/client/broker-client.ts'));
const shim = await loadInProcessShim();
const env = await startBenchEnv({ brokerArgs: ['--executor', 'warm', '--isolation', 'none'] });
const token = env.tokenFor('bench-idle');
const cwd = mkdtempSync(join(tmpdir(), 'bench-connections-'));
const pid = env.broker.pid;

const commands = async () => {
  const ms = [];
  for (let i = 0; i < COMMANDS; i++) {
    const r = await shim.run({ url: env.url, token, argv: ['sts', 'get-caller-identity'], cwd });
    if (r.code !== 0) throw new Error(`command failed (${r.code}): ${r.stderr}`);
    ms.push(r.ms);
  }
  return ms;
};

// Warm-up: the first command pays the worker's first fork and the broker's lazy loads.
await commands();
const load0 = loadavg()[0];
const idle = await commands();
await sleep(SETTLE_MS);
const rssBefore = readVmBytes(pid, 'VmRSS');

const held = [];
const t0 = performance.now();
for (let i = 0; i < CONNECTIONS; i += OPEN_AT_ONCE) {
  const batch = await Promise.all(Array.from({ length: Math.min(OPEN_AT_ONCE, CONNECTIONS - i) }, () => connectBroker({ url: `${env.url}/v1/agent`, token, clientVersion: 'bench', timeoutMs: 60_000 })));
  for (const c of batch) {
    if (!c.ok) throw new Error(`connection ${held.length + 1} failed: ${c.issue.message}`);
    c.value.listen({ onMessage: () => undefined, onData: () => undefined, onClose: () => undefined });
    held.push(c.value);
  }
}
const openSeconds = (performance.now() - t0) / 1000;
await sleep(SETTLE_MS);
const rssHeld = readVmBytes(pid, 'VmRSS');
const busy = await commands();
const rssAfterCommands = readVmBytes(pid, 'VmRSS');
const load1 = loadavg()[0];
for (const c of held) c.close();
await sleep(SETTLE_MS);
const rssClosed = readVmBytes(pid, 'VmRSS');
env.stop();
await env.exited;

const perConnection = (rssHeld - rssBefore) / CONNECTIONS;
console.log(`${CONNECTIONS} idle agent connections (after hello, no command) held open to one broker; ${COMMANDS} commands on fresh connections per column; 2-core machine shared with other work`);
console.log(`opened in ${openSeconds.toFixed(1)} s (${(CONNECTIONS / openSeconds).toFixed(0)}/s, ${OPEN_AT_ONCE} at a time; each is authenticated and audited as token.accepted)`);
console.log(`broker RSS: before ${mib(rssBefore)}, held ${mib(rssHeld)}, after the commands ${mib(rssAfterCommands)}, all closed ${mib(rssClosed)}`);
console.log(`broker RSS per held connection: ${(perConnection / 1024).toFixed(1)} KB (target ≤ 20 KB)`);
console.log(`${''.padEnd(34)}${'none held'.padStart(14)}${`${CONNECTIONS} held`.padStart(14)}${'ratio'.padStart(10)}`);
for (const p of [50, 95]) {
  console.log(`${`fresh-connection command p${p}`.padEnd(34)}${`${pct(idle, p).toFixed(0)} ms`.padStart(14)}${`${pct(busy, p).toFixed(0)} ms`.padStart(14)}${`${(pct(busy, p) / pct(idle, p)).toFixed(2)}x`.padStart(10)}`);
}
console.log(`load average: ${load0.toFixed(2)} at start, ${load1.toFixed(2)} at end`);
