// Approval latency: from the approver's decision leaving the approver's client to the agent receiving the
// command's first output byte, on one broker (embedded store) and across two brokers sharing Redis, side by side.
// The CLI is a fixture (test/fixtures/fake-aws/sandbox-aws) so that the gateway, not the AWS CLI, is measured; its
// own start-up is measured alone and printed beside. Usage: node scripts/bench-approvals.mjs [N] (default 10).
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';

const root = fileURLToPath(new URL('..', import.meta.url));
const bundle = join(root, 'bin', 'aws-guard');
const fixture = join(root, 'test', 'fixtures', 'fake-aws', 'sandbox-aws');
const N = Number(process.argv[2] ?? 10);

const freePort = () => new Promise((resolve) => { const s = createServer().listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); }); });
const waitFor = async (check, what) => { for (let i = 0; i < 200; i++) { if (await check().catch(() => false)) return; await new Promise((r) => setTimeout(r, 100)); } throw new Error(`${what} did not start`); };
const pct = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]; };
const children = [];

const startBroker = async (dataDir, extra) => {
  const port = await freePort();
  const child = spawn(bundle, ['broker', '--listen', `127.0.0.1:${port}`, '--data-dir', dataDir, '--aws-cli', fixture, '--log-level', 'warn', ...extra], { env: { PATH: process.env.PATH, HOME: dataDir, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' }, stdio: ['ignore', 'ignore', 'inherit'] });
  children.push(child);
  await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/readyz`)).ok, 'broker');
  return `ws://127.0.0.1:${port}`;
};
const token = (dataDir, agent, human, role) => spawnSync(bundle, ['token', 'issue', '--data-dir', dataDir, '--agent', agent, '--for', human, '--role', role], { encoding: 'utf8' }).stdout.trim();

const approver = (url, tok) => new Promise((resolve, reject) => {
  const ws = new WebSocket(`${url}/v1/approver`, { headers: { authorization: `Bearer ${tok}` } });
  const waiting = new Map();
  ws.on('open', () => ws.send(JSON.stringify({ type: 'hello', protocol: { min: 1, max: 1 }, client: { name: 'bench', version: '0' } })));
  ws.on('message', (d) => {
    const m = JSON.parse(d.toString());
    if (m.type === 'hello') resolve({ decide: (id) => new Promise((done) => { waiting.set(id, done); ws.send(JSON.stringify({ type: 'approval.decide', ref: id, id, decision: 'approve' })); }), close: () => ws.close() });
    if (m.type === 'approval.result') waiting.get(m.ref)?.(m);
  });
  ws.on('error', reject);
});

const shimDir = mkdtempSync(join(tmpdir(), 'bench-shim-'));
symlinkSync(bundle, join(shimDir, 'aws'));

/** One held command: returns ms from the decision being sent to the agent's first stdout byte. */
const once = (agentUrl, agentToken, client, i) => new Promise((resolve, reject) => {
  const shim = spawn(join(shimDir, 'aws'), ['s3api', 'delete-bucket', '--bucket', `bench-${i}-${Date.now()}`], { env: { PATH: `${shimDir}:/usr/bin:/bin`, AWS_GUARD_URL: agentUrl, AWS_GUARD_TOKEN: agentToken }, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  let sent = 0;
  shim.stdout.once('data', () => resolve(performance.now() - sent));
  shim.stderr.on('data', (c) => {
    err += c;
    const m = /approval (apr_[\w-]+)/.exec(err);
    if (m && sent === 0) { sent = performance.now(); void client.decide(m[1]).then((r) => !r.ok && reject(new Error(r.message))); }
  });
  shim.on('close', (code) => code !== 0 && reject(new Error(`shim exited ${code}: ${err}`)));
});

const series = async (agentUrl, agentToken, approverUrl, approverToken) => {
  const client = await approver(approverUrl, approverToken);
  const xs = [];
  for (let i = 0; i < N; i++) xs.push(await once(agentUrl, agentToken, client, i));
  client.close();
  return xs;
};

try {
  const one = mkdtempSync(join(tmpdir(), 'bench-one-'));
  const solo = await startBroker(one, []);
  const embedded = await series(solo, token(one, 'agent', 'alice', 'agent'), solo, token(one, 'bob', 'bob', 'approver'));

  const redisPort = await freePort();
  const redis = spawn('redis-server', ['--save', '', '--appendonly', 'no', '--port', String(redisPort), '--bind', '127.0.0.1'], { stdio: 'ignore' });
  children.push(redis);
  await new Promise((r) => setTimeout(r, 300));
  const a = mkdtempSync(join(tmpdir(), 'bench-a-'));
  const b = mkdtempSync(join(tmpdir(), 'bench-b-'));
  token(a, 'warm', 'up', 'agent');
  cpSync(join(a, 'keys'), join(b, 'keys'), { recursive: true });
  const urlA = await startBroker(a, ['--redis', `redis://127.0.0.1:${redisPort}`]);
  const urlB = await startBroker(b, ['--redis', `redis://127.0.0.1:${redisPort}`]);
  const shared = await series(urlA, token(a, 'agent', 'alice', 'agent'), urlB, token(a, 'bob', 'bob', 'approver'));

  const startup = [];
  for (let i = 0; i < N; i++) { const t0 = performance.now(); spawnSync(fixture, ['x'], { stdio: 'ignore' }); startup.push(performance.now() - t0); }
  const row = (name, xs) => `${name.padEnd(44)} p50 ${pct(xs, 50).toFixed(0).padStart(4)} ms   p95 ${pct(xs, 95).toFixed(0).padStart(4)} ms`;
  console.log(`decision sent → agent's first output byte, N=${N} each`);
  console.log(row('one broker, embedded store', embedded));
  console.log(row('agent on broker A, approver on B, via Redis', shared));
  console.log(row('the fixture CLI alone, start to exit', startup));
  console.log(`ratio two brokers / one broker: p50 ${(pct(shared, 50) / pct(embedded, 50)).toFixed(2)}x`);
} finally {
  for (const c of children) c.kill('SIGTERM');
}
