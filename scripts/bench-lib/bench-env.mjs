// What every end-to-end benchmark starts the same way: a private moto_server, a broker from the built bundle on
// loopback (allow-all policy unless told), an agent token, a shim directory, and the real CLI to compare with.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('../..', import.meta.url));
/** AWS_GUARD_BENCH_BUNDLE: another build's entry (e.g. an older bin/dist kept beside it), to compare builds. */
export const bundle = process.env.AWS_GUARD_BENCH_BUNDLE ?? join(root, 'bin', 'aws-guard');

export const freePort = () =>
  new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

/** Polls `check` every 100 ms for up to a minute (a loaded 2-core machine starts a broker slowly). */
export const waitFor = async (check, what) => {
  for (let i = 0; i < 600; i++) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} did not start`);
};

export const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

/** A bench that fails half-way must not leave its servers running: they end when this process exits. */
const endWithUs = (child) => {
  const end = () => child.kill('SIGTERM');
  process.once('exit', end);
  child.once('exit', () => process.off('exit', end));
};

/** A private moto_server on a free loopback port. */
export const startMoto = async () => {
  const port = await freePort();
  const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
  endWithUs(child);
  const url = `http://127.0.0.1:${port}`;
  await waitFor(async () => (await fetch(`${url}/moto-api/`)).ok, 'moto_server');
  return { url, pid: child.pid, stop: () => child.kill('SIGTERM') };
};

/**
 * moto, a broker against it and an agent's environment; `stop()` ends both. `policy: null` = the built-in one;
 * `moto: url` shares a running emulator instead of starting one (then `stop()` leaves it).
 */
export const startBenchEnv = async ({ moto: sharedMoto, policy = 'version: 1\nrules:\n  - id: allow-all\n    effect: allow\n    actions: ["*"]\n', brokerArgs = [] } = {}) => {
  const moto = sharedMoto === undefined ? await startMoto() : { url: sharedMoto, stop: () => undefined };
  const motoUrl = moto.url;

  const dataDir = mkdtempSync(join(tmpdir(), 'bench-data-'));
  const policyArgs = [];
  if (policy !== null) {
    writeFileSync(join(dataDir, 'policy.yaml'), policy);
    policyArgs.push('--policy', join(dataDir, 'policy.yaml'));
  }
  const brokerPort = await freePort();
  const broker = spawn(bundle, ['broker', '--listen', `127.0.0.1:${brokerPort}`, '--data-dir', dataDir, '--aws-endpoint-url', motoUrl, '--region', 'us-east-1', '--log-level', 'warn', ...policyArgs, ...brokerArgs], {
    env: { PATH: process.env.PATH, HOME: dataDir, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  endWithUs(broker);
  await waitFor(async () => (await fetch(`http://127.0.0.1:${brokerPort}/healthz`)).ok, 'broker');
  /** A fresh agent token for `agent` (each is its own fairness key in the broker's queue). */
  const tokenFor = (agent) => {
    const issued = spawnSync(bundle, ['token', 'issue', '--data-dir', dataDir, '--agent', agent, '--for', 'bench'], { encoding: 'utf8' });
    if (issued.status !== 0) throw new Error(`token issue failed: ${issued.stderr}`);
    return issued.stdout.trim();
  };
  const token = tokenFor('bench');

  const cliPath = `${spawnSync('python3', ['-c', 'import sys; print(sys.prefix)'], { encoding: 'utf8' }).stdout.trim()}/bin/aws`;
  const shimDir = mkdtempSync(join(tmpdir(), 'bench-shim-'));
  // The `aws` link as the build's own `shim install` makes it.
  const installed = spawnSync(bundle, ['shim', 'install', shimDir], { encoding: 'utf8' });
  if (installed.status !== 0) throw new Error(`shim install failed: ${installed.stderr}`);
  return {
    motoUrl,
    dataDir,
    broker,
    /** Resolves once the broker process has ended (after `stop()`), so its audit is complete. */
    exited: new Promise((resolve) => broker.once('exit', resolve)),
    url: `ws://127.0.0.1:${brokerPort}`,
    tokenFor,
    cliPath,
    shim: join(shimDir, 'aws'),
    directEnv: { PATH: '/usr/local/bin:/usr/bin:/bin', HOME: dataDir, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_DEFAULT_REGION: 'us-east-1' },
    shimEnv: { PATH: `${shimDir}:/usr/bin:/bin`, HOME: dataDir, AWS_GUARD_URL: `ws://127.0.0.1:${brokerPort}`, AWS_GUARD_TOKEN: token },
    stop: () => {
      broker.kill('SIGTERM');
      moto.stop();
    },
  };
};
