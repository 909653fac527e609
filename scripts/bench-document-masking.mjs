#!/usr/bin/env node
// The cost of masking a large secret-bearing response as a document (issue 6 target: < 10% on a 10 MB response):
// `ssm get-parameters-by-path --with-decryption` over SIZE_MB of SecureString values, the real CLI directly and
// through the gateway (held, parsed, masked, queried, rendered), alternating, in each output format. Prints the
// ratios and, from the audit, how much of the gateway's time the CLI itself ran.
// Usage: SIZE_MB=10 RUNS=3 node scripts/bench-document-masking.mjs
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pct, startBenchEnv } from './bench-lib/bench-env.mjs';

const SIZE = Number(process.env.SIZE_MB ?? 10) * 1024 * 1024;
const RUNS = Number(process.env.RUNS ?? 3);
const VALUE_CHARS = 4000;
const COUNT = Math.ceil(SIZE / VALUE_CHARS);

const env = await startBenchEnv();
const plant = spawnSync('python3', ['-c', `
import boto3, sys
ssm = boto3.client('ssm', endpoint_url=sys.argv[1], region_name='us-east-1', aws_access_key_id='test', aws_secret_access_key='test')
for i in range(int(sys.argv[2])):
    ssm.put_parameter(Name=f'/bench/p{i:05d}', Type='SecureString', Value=(f'secret-{i}-' * 1000)[:int(sys.argv[3])])
`, env.motoUrl, String(COUNT), String(VALUE_CHARS)], { encoding: 'utf8' });
if (plant.status !== 0) throw new Error(`planting failed: ${plant.stderr}`);

const run = (cmd, args, runEnv) =>
  new Promise((resolve) => {
    const t0 = performance.now();
    const c = spawn(cmd, args, { env: runEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let bytes = 0;
    let err = '';
    c.stdout.on('data', (d) => (bytes += d.length));
    c.stderr.on('data', (d) => (err += d));
    c.on('close', (code) => resolve({ seconds: (performance.now() - t0) / 1000, code, err, bytes }));
  });
const lastExecutedMs = () =>
  readFileSync(join(env.dataDir, 'audit', 'audit.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l)).filter((r) => r.type === 'command.executed').at(-1)?.data.durationMs ?? 0;

const COMMAND = ['ssm', 'get-parameters-by-path', '--path', '/bench', '--with-decryption'];
console.log(`${COUNT} SecureString parameters of ${VALUE_CHARS} chars (${(SIZE / 1024 / 1024).toFixed(0)} MiB of values), ${RUNS} alternating runs each, median:`);
console.log('| --output | direct | through aws-guard | ratio | of which the CLI ran | output bytes (direct / masked) |');
console.log('|---|---|---|---|---|---|');
try {
  for (const format of ['json', 'text', 'table']) {
    const times = { direct: [], shim: [], cli: [] };
    let sizes = [0, 0];
    for (let i = 0; i < RUNS; i++) {
      const d = await run(env.cliPath, ['--endpoint-url', env.motoUrl, ...COMMAND, '--output', format], env.directEnv);
      const s = await run(env.shim, [...COMMAND, '--output', format], env.shimEnv);
      if (d.code !== 0 || s.code !== 0) throw new Error(`${format} run ${i}: direct ${d.code} ${d.err} / gateway ${s.code} ${s.err}`);
      times.direct.push(d.seconds);
      times.shim.push(s.seconds);
      times.cli.push(lastExecutedMs() / 1000);
      sizes = [d.bytes, s.bytes];
    }
    const [direct, shim, cli] = [pct(times.direct, 50), pct(times.shim, 50), pct(times.cli, 50)];
    console.log(`| ${format} | ${direct.toFixed(2)} s | ${shim.toFixed(2)} s | ${(shim / direct).toFixed(2)}x | ${cli.toFixed(2)} s | ${(sizes[0] / 1e6).toFixed(1)} MB / ${(sizes[1] / 1e6).toFixed(1)} MB |`);
  }
} finally {
  env.stop();
}
