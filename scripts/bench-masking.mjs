#!/usr/bin/env node
// Throughput of the stream masker (issue 6 target: pattern detection >= 100 MB/s on one core) on output shaped like
// the CLI's, fed in the 64 KiB chunks a pipe gives: ordinary JSON, text columns, random bytes, JSON with secrets.
// Usage: SIZE_MB=100 node scripts/bench-masking.mjs
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { loadTsModule } from './load-ts-module.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const { createStreamMasker } = await loadTsModule(join(root, 'packages/broker/src/masking/stream-masker.ts'));
const SIZE = Number(process.env.SIZE_MB ?? 100) * 1024 * 1024;
const CHUNK = 64 * 1024;

const repeatTo = (unit) => Buffer.from(unit.repeat(Math.ceil(SIZE / unit.length)).slice(0, SIZE), 'latin1');
const objects = (i) => `        {\n            "Key": "logs/2026/11/26/app-${i}.log.gz",\n            "LastModified": "2026-11-26T16:14:35.000Z",\n            "ETag": "\\"3f786850e387550fdab836ed7e6dc881\\"",\n            "Size": ${1000 + i},\n            "StorageClass": "STANDARD"\n        },\n`;
const credentials = `    "Credentials": {\n        "AccessKeyId": "ASIAY34FZKBOKMUTVV7A",\n        "SecretAccessKey": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",\n        "SessionToken": "IQoJb3JpZ2luX2VjEJr${'A'.repeat(600)}",\n        "Expiration": "2026-11-27T04:14:41Z"\n    },\n`;
const WORKLOADS = {
  'pretty JSON (s3api list-objects-v2)': () => repeatTo(Array.from({ length: 100 }, (_, i) => objects(i)).join('')),
  'text columns (ec2 describe-instances --output text)': () => repeatTo('INSTANCES\t0\tx86_64\t\tFalse\tTrue\txen\tami-0abcdef1234567890\ti-0123456789abcdef0\tt3.micro\t2026-11-26T16:14:35.000Z\tip-10-0-0-1.ec2.internal\t10.0.0.1\n'),
  'random bytes (s3 cp s3://… -)': () => randomBytes(SIZE),
  'JSON with a credentials block every 100 objects': () => repeatTo(Array.from({ length: 100 }, (_, i) => objects(i)).join('') + credentials),
};

const run = (data) => {
  const masker = createStreamMasker();
  let out = 0;
  const t0 = performance.now();
  for (let at = 0; at < data.length; at += CHUNK) for (const b of masker.push(data.subarray(at, at + CHUNK))) out += b.length;
  for (const b of masker.end()) out += b.length;
  return { seconds: (performance.now() - t0) / 1000, out, counts: masker.counts() };
};

console.log(`| ${SIZE / 1024 / 1024} MiB in 64 KiB chunks | MB/s | masked |`);
console.log('|---|---|---|');
for (const [name, make] of Object.entries(WORKLOADS)) {
  const data = make();
  run(data.subarray(0, 8 * CHUNK)); // warm up the regular expressions
  const best = [run(data), run(data), run(data)].sort((a, b) => a.seconds - b.seconds)[0];
  const counts = Object.entries(best.counts).map(([k, n]) => `${k} ${n}`).join(', ') || 'nothing';
  console.log(`| ${name} | ${(data.length / 1e6 / best.seconds).toFixed(0)} | ${counts} |`);
}
