// What every end-to-end benchmark starts the same way: a private moto_server, a broker from the built bundle on
// loopback (allow-all policy unless told), an agent token, a shim directory, and the real CLI to compare with.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('..', import.meta.url));
export const bundle = join(root, 'bin', 'aws-guard');

export const freePort = () =>
  new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

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

/** moto, a broker against it and an agent's environment; `stop()` ends both. `policy: null` = the built-in one. */
export const startBenchEnv = async ({ policy = 'version: 1\nrules:\n  - id: allow-all\n    effect: allow\n    actions: ["*"]\n', brokerArgs = [] } = {}) => {
  const motoPort = await freePort();
  const moto = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(motoPort)], { stdio: 'ignore' });
  const motoUrl = `http://127.0.0.1:${motoPort}`;
  await waitFor(async () => (await fetch(`${motoUrl}/moto-api/`)).ok, 'moto_server');

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
  await waitFor(async () => (await fetch(`http://127.0.0.1:${brokerPort}/healthz`)).ok, 'broker');
  const token = spawnSync(bundle, ['token', 'issue', '--data-dir', dataDir, '--agent', 'bench', '--for', 'bench'], { encoding: 'utf8' }).stdout.trim();

  const cliPath = `${spawnSync('python3', ['-c', 'import sys; print(sys.prefix)'], { encoding: 'utf8' }).stdout.trim()}/bin/aws`;
  const shimDir = mkdtempSync(join(tmpdir(), 'bench-shim-'));
  symlinkSync(bundle, join(shimDir, 'aws'));
  return {
    motoUrl,
    dataDir,
    broker,
    cliPath,
    shim: join(shimDir, 'aws'),
    directEnv: { PATH: '/usr/local/bin:/usr/bin:/bin', HOME: dataDir, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_DEFAULT_REGION: 'us-east-1' },
    shimEnv: { PATH: `${shimDir}:/usr/bin:/bin`, HOME: dataDir, AWS_GUARD_URL: `ws://127.0.0.1:${brokerPort}`, AWS_GUARD_TOKEN: token },
    stop: () => {
      broker.kill('SIGTERM');
      moto.kill('SIGTERM');
    },
  };
};
