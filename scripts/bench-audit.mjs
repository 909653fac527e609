#!/usr/bin/env node
// Measures the embedded audit log on this machine's disk: appends/s with fsync (one caller at a time, and many
// concurrent callers sharing group commits; with signed checkpoints every 1000 records as the broker runs it) and
// verify records/s (chain and checkpoint signatures), each beside a bare baseline measured in the same run, and
// both with segment rotation off and on (small segments, so that the rotations' renames and fsyncs show).
// With --redis URL, also the Redis store's appends (one shared chain) side by side: one caller, concurrent callers,
// and two logs (two brokers) contending for the head. Prints figures only; nothing is asserted (DESIGN §8).
// Usage: node scripts/bench-audit.mjs [--dir DIR] [--records N] [--verify-only | --appends-only] [--redis URL]
import { mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { loadTsModule } from './load-ts-module.mjs';

const { values } = parseArgs({ options: {
  dir: { type: 'string' }, records: { type: 'string', default: '100000' }, 'verify-only': { type: 'boolean', default: false },
  'appends-only': { type: 'boolean', default: false }, redis: { type: 'string' },
} });
const verifyRecords = Number(values.records);
const base = await mkdtemp(join(values.dir ?? tmpdir(), 'aws-guard-bench-audit-'));
const src = new URL('../packages/broker/src/audit/', import.meta.url).pathname;
const { createAuditLog } = await loadTsModule(join(src, 'audit-log.ts'));
const { verifyAuditFile } = await loadTsModule(join(src, 'verify-audit-file.ts'));
const { loadOrCreateAuditSigningKey } = await loadTsModule(join(src, 'audit-signing-key.ts'));
const key = await loadOrCreateAuditSigningKey(base);
// As app.ts runs it: a checkpoint every 1000 records (the default); the timer never fires in a run this short.
const checkpoints = { signer: key.signer, timer: () => () => {} };

/** A typical `command.requested` record: about 430 bytes on disk. */
const event = (i) => ({
  type: 'command.requested', requestId: `req-${i}`, sessionId: 'sess-bench',
  actor: { kind: 'agent', agent: 'claude-code', human: 'alice@example.com', role: 'agent' },
  data: { argv: ['s3api', 'put-object', '--bucket', 'my-bucket', '--key', `reports/${i}.json`, '--region', 'eu-west-1'], tokenId: 'tok-1234' },
});

const perSecond = (count, ms) => Math.round((count / ms) * 1000);
const time = async (fn) => { const start = performance.now(); await fn(); return performance.now() - start; };
let runs = 0;
const fresh = (name) => join(base, `${name}-${runs++}`);

/** Baseline: one fsynced append with nothing of ours around it (open, write, fsync, close). */
const bareAppends = (count) => time(async () => {
  const path = fresh('bare.jsonl');
  const line = Buffer.from(`${JSON.stringify({ ...event(0), hash: '0'.repeat(64) })}\n`);
  for (let i = 0; i < count; i++) {
    const fh = await open(path, 'a');
    await fh.write(line);
    await fh.sync();
    await fh.close();
  }
});

/** Small enough to rotate every ~150 records (a segment is sealed with a checkpoint, a rename and 2 dir fsyncs). */
const SMALL_SEGMENT = 64 * 1024;

async function auditAppends(count, callers, segmentBytes = Infinity) {
  const log = await createAuditLog({ dir: fresh('log'), checkpoints, segmentBytes });
  let next = 0;
  const caller = async () => { while (next < count) await log.append(event(next++)); };
  const ms = await time(() => Promise.all(Array.from({ length: callers }, caller)));
  await log.close();
  return ms;
}

const out = [];
// One caller at a time: alternate with the baseline so that both see the disk in the same state.
const rounds = values['verify-only'] ? 0 : 4;
const perRound = 250;
let bareMs = 0;
let oneMs = 0;
let rotatingMs = 0;
for (let r = 0; r < rounds; r++) {
  bareMs += await bareAppends(perRound);
  oneMs += await auditAppends(perRound, 1);
  rotatingMs += await auditAppends(perRound, 1, SMALL_SEGMENT);
}
const appends = rounds * perRound;
if (rounds > 0) {
  out.push(`append, 1 caller (${appends} records): ${perSecond(appends, oneMs)} records/s; with 64 KiB segments `
    + `${perSecond(appends, rotatingMs)}/s; bare open+write+fsync+close ${perSecond(appends, bareMs)}/s; `
    + `ratio ${(oneMs / bareMs).toFixed(2)}x the bare time`);
}
for (const callers of rounds > 0 ? [8, 64] : []) {
  const count = 5000;
  const plain = perSecond(count, await auditAppends(count, callers));
  const rotating = perSecond(count, await auditAppends(count, callers, SMALL_SEGMENT));
  out.push(`append, ${callers} concurrent callers (${count} records): ${plain} records/s (group commit); with 64 KiB segments ${rotating}/s`);
}

/** The Redis writer bundles ioredis (CommonJS): it needs a `require` in the ESM bundle, as bin/ has. */
async function loadWithRequire(entry) {
  const banner = { js: `import { createRequire as __cr } from 'node:module'; const require = __cr(${JSON.stringify(entry)});` };
  const built = await build({ entryPoints: [entry], bundle: true, format: 'esm', platform: 'node', target: 'node20', write: false, logLevel: 'error', banner });
  return import(`data:text/javascript;base64,${Buffer.from(built.outputFiles[0].text).toString('base64')}`);
}

if (values.redis !== undefined && !values['verify-only']) {
  const { createRedisAuditLog } = await loadWithRequire(join(src, 'redis-audit-log.ts'));
  let prefixes = 0;
  const redisAppends = async (count, callers, writers) => {
    const keyPrefix = `aws-guard-bench-${process.pid}-${prefixes++}:`;
    const logs = await Promise.all(Array.from({ length: writers }, () => createRedisAuditLog({ url: values.redis, keyPrefix, checkpoints })));
    let next = 0;
    const caller = (log) => async () => { while (next < count) await log.append(event(next++)); };
    const ms = await time(() => Promise.all(logs.flatMap((log) => Array.from({ length: callers }, caller(log)))));
    await Promise.all(logs.map((log) => log.close()));
    return ms;
  };
  out.push(`redis append, 1 caller (1000 records): ${perSecond(1000, await redisAppends(1000, 1, 1))} records/s`);
  for (const callers of [8, 64]) {
    out.push(`redis append, ${callers} concurrent callers (5000 records): ${perSecond(5000, await redisAppends(5000, callers, 1))} records/s`);
  }
  out.push(`redis append, 2 writers x 64 callers on one chain (10000 records): ${perSecond(10000, await redisAppends(10000, 64, 2))} records/s`);
}

const dir = fresh('verify');
if (values['appends-only']) {
  await rm(base, { recursive: true, force: true });
  process.stdout.write(`audit log benchmark (node ${process.version}, scratch dir under ${values.dir ?? tmpdir()})\n${out.join('\n')}\n`);
  process.exit(0);
}
const log = await createAuditLog({ dir, checkpoints });
await Promise.all(Array.from({ length: verifyRecords }, (_, i) => log.append(event(i))));
await log.close();
for (const pass of ['first', 'second', 'third']) {
  let verdict;
  const ms = await time(async () => { verdict = await verifyAuditFile(log.path, key.publicKey); });
  if (!verdict.ok || verdict.unsigned !== 0 || verdict.checkpoints !== Math.ceil(verifyRecords / 1000)) {
    throw new Error(`verify failed: ${JSON.stringify(verdict)}`);
  }
  out.push(`verify, ${pass} pass (${verdict.count} records, ${verdict.checkpoints} checkpoints): ${perSecond(verdict.count, ms)} records/s`);
}
// The same records over 1 MiB segments (~40 of them): readAuditLines goes from one file to the next.
const segmented = await createAuditLog({ dir: fresh('verify-segments'), checkpoints, segmentBytes: 1024 * 1024 });
await Promise.all(Array.from({ length: verifyRecords }, (_, i) => segmented.append(event(i))));
await segmented.close();
for (const pass of ['first', 'second']) {
  let verdict;
  const ms = await time(async () => { verdict = await verifyAuditFile(segmented.path, key.publicKey); });
  if (!verdict.ok || verdict.unsigned !== 0) throw new Error(`verify (segments) failed: ${JSON.stringify(verdict)}`);
  out.push(`verify over 1 MiB segments, ${pass} pass (${verdict.count} records, ${verdict.checkpoints} checkpoints): ${perSecond(verdict.count, ms)} records/s`);
}
// Baseline: read the same file and only JSON.parse and sha256 each line (no schema, no canonical form).
const bareVerifyMs = await time(async () => {
  for (const line of (await readFile(log.path, 'utf8')).split('\n')) {
    if (line) createHash('sha256').update(JSON.stringify(JSON.parse(line))).digest('hex');
  }
});
out.push(`verify baseline, JSON.parse + sha256 per line only: ${perSecond(verifyRecords, bareVerifyMs)} records/s`);

await rm(base, { recursive: true, force: true });
process.stdout.write(`audit log benchmark (node ${process.version}, scratch dir under ${values.dir ?? tmpdir()})\n${out.join('\n')}\n`);
