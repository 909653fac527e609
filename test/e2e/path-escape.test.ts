// DESIGN §7.6 end to end: the CLI never reads or writes a broker-host path the agent chose. Real command lines
// through the real shim, each path trick aimed at a canary in the broker's data dir and at the secret key in
// the CLI's environment; then a hand-written malicious client answering files.request with escaping names.
import t, { type Test } from 'tap';
import { lstat, mkdir, mkdtemp, readdir, readFile, realpath, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import WebSocket from 'ws';
import { decodeServerFrame, encodeMessage } from '@aws-guard/shared/protocol/codec';
import { encodeDataFrame } from '@aws-guard/shared/protocol/data-frame';
import type { ClientMessage, ServerMessage } from '@aws-guard/shared/protocol/messages';
import { PROTOCOL_VERSION } from '@aws-guard/shared/protocol/version';
import { AGENT_PATH } from '@aws-guard/shared/protocol/endpoints';
import { startMoto } from '../helpers/moto.js';
import { startBroker, writeAllowAllPolicy } from '../helpers/broker.js';
import { agentEnv, runAws, type RunResult } from '../helpers/shim.js';
import { runAwsDirect } from '../helpers/real-aws.js';
import { readTree } from '../helpers/trees.js';

const hex = () => randomBytes(6).toString('hex');
const SECRET = `SecretCanary${hex()}`;
const BROKER_MARK = `BrokerCanary-${hex()}`;
const AGENT_MARK = `AgentMarker-${hex()}`;
const SEED_MARK = `SeedMarker-${hex()}`;

t.setTimeout(900_000);
const moto = await startMoto();
t.teardown(moto.stop);
const policyFile = await writeAllowAllPolicy();
// The broker makes each request's sandbox in its own temp dir (/tmp: its env has no TMPDIR); the data dir sits
// beside them, so `../../<data dir>/canary.txt` from the CLI's cwd (sandbox/work) is the canary. Isolation is
// off: what is tested is that the path never reaches the CLI, not that bubblewrap would hide it.
const dataDir = await mkdtemp('/tmp/aws-guard-data-');
const DATA = basename(dataDir);
await writeFile(join(dataDir, 'canary.txt'), BROKER_MARK);
const broker = await startBroker({ endpointUrl: moto.url, dataDir, args: ['--policy', policyFile], env: { AWS_SECRET_ACCESS_KEY: SECRET, AWS_GUARD_ISOLATION: 'none' } });
t.teardown(broker.stop);
const token = await broker.token();

// The agent: cwd and HOME two levels below agentRoot, so `../../<DATA>` and `~/../../<DATA>` are agentRoot/<DATA>.
const agentRoot = await realpath(await mkdtemp(join(tmpdir(), 'agent-root-')));
const cwd = join(agentRoot, 'a', 'cwd');
const agentHome = join(agentRoot, 'b', 'home');
for (const dir of [join(cwd, 'sub'), join(cwd, '%2e%2e'), agentHome, join(agentRoot, DATA), join(agentRoot, 'a', DATA)]) await mkdir(dir, { recursive: true });
// Every place a trick can mean on the agent holds the agent's marker (s3 paths are literal: `~/..` is cwd/~/..).
for (const file of [join(agentRoot, DATA, 'canary.txt'), join(agentRoot, 'a', DATA, 'canary.txt'), join(cwd, 'agent.txt'), join(cwd, '$AWS_SECRET_ACCESS_KEY'), join(cwd, '%2e%2e', 'agent.txt'), join(cwd, '-x'), join(cwd, 'my doc.txt'), join(cwd, 'agent-own.txt')])
  await writeFile(file, AGENT_MARK);
const env = await agentEnv(broker.url, token, { HOME: agentHome });
const envWithKey = { ...env, AWS_SECRET_ACCESS_KEY: 'agent-own.txt' };

const BUCKET = `path-escape-${hex()}`;
const seeded = await runAwsDirect(['s3api', 'create-bucket', '--bucket', BUCKET], moto.url);
if (seeded.code !== 0) throw new Error(seeded.stderr);
for (const key of ['seed', 'tree/t.txt']) {
  const put = await runAwsDirect(['s3', 'cp', '-', `s3://${BUCKET}/${key}`], moto.url, Buffer.from(SEED_MARK));
  if (put.code !== 0) throw new Error(put.stderr);
}

const names = async (dir: string): Promise<string[]> => (await readdir(dir, { recursive: true })).map(String).sort();
const dataBefore = await names(dataDir);
const ASSUME = JSON.stringify({ Version: '2012-10-17', Statement: [] });

type Expect = 'agent' | 'refused' | 'error';
type Trick = Readonly<{ path: string; expand: Expect; s3: Expect; env?: NodeJS.ProcessEnv }>;

// What each trick must do when read: work with the agent's file, be refused by aws-guard, or fail in the CLI.
const TRICKS: readonly Trick[] = [
  { path: `../../${DATA}/canary.txt`, expand: 'agent', s3: 'agent' },
  { path: `~/../../${DATA}/canary.txt`, expand: 'agent', s3: 'agent' },
  { path: `$HOME/../../${DATA}/canary.txt`, expand: 'agent', s3: 'agent' },
  { path: `\${HOME}/../../${DATA}/canary.txt`, expand: 'agent', s3: 'agent' },
  // The kernel would follow the CLI's own cwd; the shim finds nothing at /proc/<DATA>.
  { path: `/proc/self/cwd/../../${DATA}/canary.txt`, expand: 'error', s3: 'error' },
  { path: '/proc/self/cwd/agent.txt', expand: 'agent', s3: 'agent' },
  // The CLI's own environment holds the secret; the shim's is the agent's. /proc files report size 0.
  { path: '/proc/self/environ', expand: 'refused', s3: 'refused' },
  { path: '$AWS_SECRET_ACCESS_KEY', expand: 'agent', s3: 'agent' },
  { path: '${AWS_SECRET_ACCESS_KEY}', expand: 'error', s3: 'error' },
  { path: 'x$AWS_SECRET_ACCESS_KEY', expand: 'error', s3: 'error' },
  { path: '$AWS_SECRET_ACCESS_KEY', expand: 'agent', s3: 'agent', env: envWithKey },
  { path: '%2e%2e/agent.txt', expand: 'agent', s3: 'agent' },
  { path: '-x', expand: 'agent', s3: 'agent' },
  { path: './-x', expand: 'agent', s3: 'agent' },
  { path: 'my doc.txt', expand: 'agent', s3: 'agent' },
  { path: 'sub/../agent.txt', expand: 'agent', s3: 'agent' },
  { path: join(cwd, 'agent.txt'), expand: 'agent', s3: 'agent' },
  { path: '~nosuchuser-aws-guard/agent.txt', expand: 'refused', s3: 'error' },
];

/** What the emulator holds after the commands ran, read back at once: the bucket's objects and the named secrets. */
type Stored = Readonly<{ objects: ReadonlyMap<string, string>; secrets: ReadonlyMap<string, string> }>;
type Form = Readonly<{ name: string; s3: boolean; argv: (p: string, i: number) => string[]; proof: (res: RunResult, i: number, stored: Stored) => string }>;
const opt = (name: string, value: string) => (value.startsWith('-') ? [`${name}=${value}`] : [name, value]);
const output = (res: RunResult) => `${res.stdout.toString()}${res.stderr}`;
const object = async (key: string) => (await runAwsDirect(['s3', 'cp', `s3://${BUCKET}/${key}`, '-'], moto.url)).stdout.toString();

/** Every object of the bucket, by key: one `s3 sync` down with the real CLI (a CLI run per object was most of this file's time). */
const bucketObjects = async (): Promise<Map<string, string>> => {
  const dir = await mkdtemp(join(tmpdir(), 'path-escape-objects-'));
  const synced = await runAwsDirect(['s3', 'sync', `s3://${BUCKET}`, dir], moto.url);
  if (synced.code !== 0) throw new Error(synced.stderr);
  return new Map(Object.entries(await readTree(dir)).map(([key, body]) => [key, Buffer.from(body, 'base64').toString()]));
};

/** The SecretBinary of each named secret that exists, decoded: batch-get-secret-value, 20 names a call (its limit). */
const secretBinaries = async (names: readonly string[]): Promise<Map<string, string>> => {
  const out = new Map<string, string>();
  for (let at = 0; at < names.length; at += 20) {
    const got = await runAwsDirect(['secretsmanager', 'batch-get-secret-value', '--secret-id-list', ...names.slice(at, at + 20)], moto.url);
    if (got.code !== 0) throw new Error(got.stderr);
    for (const v of (JSON.parse(got.stdout.toString()) as { SecretValues: { Name: string; SecretBinary?: string }[] }).SecretValues)
      if (v.SecretBinary !== undefined) out.set(v.Name, Buffer.from(v.SecretBinary, 'base64').toString());
  }
  return out;
};

const READS: readonly Form[] = [
  { name: 'file://', s3: false, argv: (p, i) => ['iam', 'create-role', '--role-name', `r-${i}`, '--assume-role-policy-document', ASSUME, '--description', `file://${p}`], proof: output },
  { name: 'shorthand Value@=file://', s3: false, argv: (p, i) => ['iam', 'create-role', '--role-name', `t-${i}`, '--assume-role-policy-document', ASSUME, '--tags', `Key=k,Value@=file://${p}`], proof: output },
  // Not JSON: the CLI echoes what it read in its error.
  { name: '--cli-input-json file://', s3: false, argv: (p) => ['iam', 'create-role', '--cli-input-json', `file://${p}`], proof: output },
  {
    name: 'fileb://',
    s3: false,
    argv: (p, i) => ['secretsmanager', 'create-secret', '--name', `s-${i}`, '--secret-binary', `fileb://${p}`],
    proof: (_res, i, stored) => stored.secrets.get(`s-${i}`) ?? '',
  },
  { name: '--body (streaming blob)', s3: false, argv: (p, i) => ['s3api', 'put-object', '--bucket', BUCKET, '--key', `body-${i}`, ...opt('--body', p)], proof: (_r, i, stored) => stored.objects.get(`body-${i}`) ?? '' },
  { name: 's3 cp up', s3: true, argv: (p, i) => ['s3', 'cp', '--no-guess-mime-type', ...(p.startsWith('-') ? ['--'] : []), p, `s3://${BUCKET}/cp-${i}`], proof: (_r, i, stored) => stored.objects.get(`cp-${i}`) ?? '' },
];

const everything: RunResult[] = [];
let n = 0;
const run = async (argv: string[], runEnv: NodeJS.ProcessEnv = env): Promise<RunResult> => {
  const res = await runAws(argv, { env: runEnv, cwd });
  everything.push(res);
  return res;
};

const noLeak = (t: Test, res: RunResult, name: string) => {
  const all = `${res.stdout.toString()}${res.stderr}`;
  t.notOk(all.includes(BROKER_MARK), `${name}: no broker canary in the output`);
  t.notOk(all.includes(SECRET), `${name}: no secret key in the output`);
};

const judge = (t: Test, expect: Expect, res: RunResult, name: string, proof: string, path: string) => {
  noLeak(t, res, name);
  if (expect === 'agent') t.ok(proof.includes(AGENT_MARK), `${name}: worked with the agent's file (exit ${res.code}: ${res.stderr.trim().slice(0, 300)})`);
  if (expect === 'refused') {
    t.not(res.code, 0, `${name}: refused`);
    t.match(res.stderr.trim(), /^aws-guard: [^\n]+$/u, `${name}: one line from aws-guard: ${res.stderr.trim().slice(0, 300)}`);
    t.ok(res.stderr.includes(path), `${name}: the message names ${path}`);
  }
  if (expect === 'error') t.not(res.code, 0, `${name}: the CLI fails (${res.stderr.trim().slice(0, 200)})`);
};

/** Runs `work` over `items`, `width` at a time, keeping the order of the results. */
const pool = async <T, R>(items: readonly T[], width: number, work: (item: T) => Promise<R>): Promise<R[]> => {
  const out: R[] = [];
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const at = next;
      next += 1;
      out[at] = await work(items[at] as T);
    }
  };
  await Promise.all(Array.from({ length: width }, worker));
  return out;
};

t.test('reads: every trick in every form works with the agent file or is refused; nothing of the broker leaks', async (t) => {
  // A shorthand value ends at `}`: the CLI fails on the rest of the line.
  const expectOf = (form: Form, trick: Trick): Expect => (form.name.startsWith('shorthand') && trick.path.includes('}') ? 'error' : form.s3 ? trick.s3 : trick.expand);
  const table = READS.flatMap((form) => TRICKS.map((trick) => ({ form, trick, i: (n += 1), expect: expectOf(form, trick) })));
  // Independent commands (each its own role, secret or key): four at a time; then what they stored, read back
  // once; judged in order.
  const results = await pool(table, 4, ({ form, trick, i }) => run(form.argv(trick.path, i), trick.env));
  const stored: Stored = { objects: await bucketObjects(), secrets: await secretBinaries(table.filter((r) => r.form.name === 'fileb://' && r.expect === 'agent').map((r) => `s-${r.i}`)) };
  table.forEach(({ form, trick, i, expect }, at) => {
    const res = results[at] as RunResult;
    const proof = expect === 'agent' ? form.proof(res, i, stored) : '';
    judge(t, expect, res, `${form.name} ${JSON.stringify(trick.path)}${trick.env === undefined ? '' : ' (agent has the variable)'}`, proof, trick.path);
  });
});

t.test('writes: outfiles and downloads land on the agent, never in the broker data dir', async (t) => {
  const WRITES: readonly Form[] = [
    { name: 'get-object outfile', s3: false, argv: (p) => ['s3api', 'get-object', '--bucket', BUCKET, '--key', 'seed', ...(p.startsWith('-') ? ['--'] : []), p], proof: () => '' },
    { name: 's3 cp down', s3: true, argv: (p) => ['s3', 'cp', '--no-guess-mime-type', `s3://${BUCKET}/seed`, ...(p.startsWith('-') ? ['--'] : []), p], proof: () => '' },
  ];
  // Where each write must land on the agent (the CLI does not expand an outfile, so `~` tricks are left out).
  const table: readonly (readonly [string, string | null])[] = [
    [`../../${DATA}/canary.txt`, join(agentRoot, DATA, 'canary.txt')],
    [`$HOME/../../${DATA}/canary.txt`, null],
    [`/proc/self/cwd/../../${DATA}/canary.txt`, null],
    ['%2e%2e/agent.txt', join(cwd, '%2e%2e', 'agent.txt')],
    ['-x', join(cwd, '-x')],
    ['./-x', join(cwd, '-x')],
    ['my doc.txt', join(cwd, 'my doc.txt')],
    ['$AWS_SECRET_ACCESS_KEY', join(cwd, '$AWS_SECRET_ACCESS_KEY')],
    ['sub/../agent.txt', join(cwd, 'agent.txt')],
  ];
  for (const form of WRITES)
    for (const [path, lands] of table) {
      const name = `${form.name} ${JSON.stringify(path)}`;
      const res = await run(form.argv(path, (n += 1)));
      noLeak(t, res, name);
      if (lands !== null) {
        t.equal(res.code, 0, `${name}: exit 0 (${res.stderr.trim().slice(0, 200)})`);
        t.equal(await readFile(lands, 'utf8'), SEED_MARK, `${name}: written at ${lands}`);
      }
      t.equal(await readFile(join(dataDir, 'canary.txt'), 'utf8'), BROKER_MARK, `${name}: the broker canary is untouched`);
    }
});

t.test('trees: sync up and down through ../../<data dir> use the agent tree; a symlink out of the tree is refused', async (t) => {
  const up = await run(['s3', 'sync', `../../${DATA}`, `s3://${BUCKET}/sync-up/`]);
  noLeak(t, up, 'sync up');
  t.equal(up.code, 0, up.stderr);
  const listed = await runAwsDirect(['s3api', 'list-objects-v2', '--bucket', BUCKET, '--prefix', 'sync-up/', '--query', 'Contents[].Key'], moto.url);
  t.same(JSON.parse(listed.stdout.toString()), ['sync-up/canary.txt'], "only the agent's tree went up: no keys/, no audit/");
  // The agent's file (the writes above may have replaced its marker with the seed), never the broker canary.
  t.equal(await object('sync-up/canary.txt'), await readFile(join(agentRoot, DATA, 'canary.txt'), 'utf8'), "the agent's canary.txt");

  const down = await run(['s3', 'sync', `s3://${BUCKET}/tree`, `../../${DATA}`]);
  noLeak(t, down, 'sync down');
  t.equal(down.code, 0, down.stderr);
  t.equal(await readFile(join(agentRoot, DATA, 't.txt'), 'utf8'), SEED_MARK, 'landed in the agent tree');

  for (const [link, target] of [['evil', dataDir], ['key', join(dataDir, 'keys')], ['etc', '/etc'], ['up', '../..']] as const) {
    const site = await mkdtemp(join(cwd, 'site-'));
    await writeFile(join(site, 'index.html'), AGENT_MARK);
    await symlink(target, join(site, link));
    const res = await run(['s3', 'sync', basename(site), `s3://${BUCKET}/site-${link}/`]);
    noLeak(t, res, `symlink ${link} → ${target}`);
    t.not(res.code, 0, `symlink ${link} → ${target}: refused`);
    t.match(res.stderr, new RegExp(`^aws-guard: ${basename(site)}: ${link} is a symlink to \\S+, outside the directory being transferred`), 'the message names the link');
    const objects = await runAwsDirect(['s3api', 'list-objects-v2', '--bucket', BUCKET, '--prefix', `site-${link}/`, '--query', 'Contents[].Key'], moto.url);
    t.same(JSON.parse(objects.stdout.toString()) ?? [], [], 'nothing was uploaded');
  }
});

// A client that speaks the protocol itself and lies about the agent's files.
type Script = (m: ServerMessage, send: (m: ClientMessage) => void, data: (payload: Buffer) => void) => void;
type Ended = { exit?: Extract<ServerMessage, { type: 'command.exit' }>; error?: Extract<ServerMessage, { type: 'error' }>; stderr: string; asked: ServerMessage[] };

const converse = (argv: string[], script: Script): Promise<Ended> =>
  new Promise((resolve, reject) => {
    const ws = new WebSocket(`${broker.url}${AGENT_PATH}`, { headers: { authorization: `Bearer ${token}` } });
    const ended: Ended = { stderr: '', asked: [] };
    const send = (m: ClientMessage) => ws.readyState === WebSocket.OPEN && ws.send(encodeMessage(m));
    const data = (payload: Buffer) => ws.readyState === WebSocket.OPEN && ws.send(encodeDataFrame('upload', payload));
    const timer = setTimeout(() => reject(new Error(`no end after 60s: ${JSON.stringify(ended)}`)), 60_000);
    ws.on('open', () => send({ type: 'hello', protocol: { min: PROTOCOL_VERSION, max: PROTOCOL_VERSION }, client: { name: 'evil', version: '0' } }));
    ws.on('message', (raw, binary) => {
      const frame = decodeServerFrame(Buffer.isBuffer(raw) ? raw : Buffer.from(raw as ArrayBuffer), binary);
      if (!frame.ok) return reject(new Error(frame.issue.message));
      if (frame.value.kind === 'data') {
        if (frame.value.frame.stream === 'stderr') ended.stderr += frame.value.frame.payload.toString();
        return;
      }
      const m = frame.value.message;
      if (m.type === 'hello') return send({ type: 'command.run', argv, env: {}, terminal: {} });
      if (m.type === 'command.exit') ended.exit = m;
      if (m.type === 'error') ended.error = m;
      if (m.type === 'files.request' || m.type === 'files.fetch') ended.asked.push(m);
      script(m, send, data);
    });
    ws.on('close', () => {
      clearTimeout(timer);
      resolve(ended);
    });
    ws.on('error', () => undefined);
  });

/** Every entry under `dir` (a few levels down) whose name starts with `prefix`. */
const find = async (dir: string, prefix: string, depth = 4): Promise<string[]> => {
  if (depth === 0) return [];
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const found: string[] = [];
  for (const e of entries) {
    const path = join(dir, e.name);
    if (e.name.startsWith(prefix)) found.push(path);
    if (e.isDirectory() && !e.isSymbolicLink()) found.push(...(await find(path, prefix, depth - 1)));
  }
  return found;
};

t.test('a malicious client: escaping names, bad listings and uploads end the command; nothing is created outside', async (t) => {
  await mkdir(join(cwd, 'dir'), { recursive: true });
  const ESC = `escape-${hex()}`;
  const tree = ['s3', 'cp', 'dir', `s3://${BUCKET}/p`, '--recursive'];
  const entry = (path: string, size = 3) => ({ path, size, mtimeMs: 1_600_000_000_000 });
  const listing = (entries: ReturnType<typeof entry>[], kind: 'dir' | 'file' = 'dir', id = 0): Script => (m, send) => {
    if (m.type !== 'files.request') return;
    send({ type: 'files.root', id: 0, kind, size: 0, mtimeMs: 1_600_000_000_000 });
    send({ type: 'files.entries', id, entries });
    send({ type: 'files.listed' });
  };
  /** A fair listing of a.txt, then `onFetch` answers the broker's fetch. */
  const fetched = (onFetch: Script): Script => (m, send, data) => {
    if (m.type === 'files.fetch') return onFetch(m, send, data);
    listing([entry('a.txt')])(m, send, data);
  };
  const cases: readonly (readonly [string, string[], Script, RegExp])[] = [
    ['../../escape', tree, listing([entry(`../../${ESC}`)]), /unsafe file name .*dot segment/],
    ['../../../../escape', tree, listing([entry(`../../../../${ESC}`)]), /unsafe file name/],
    ['/tmp/escape', tree, listing([entry(`/tmp/${ESC}`)]), /unsafe file name .*absolute/],
    ['a/./b', tree, listing([entry('a/./b')]), /unsafe file name .*dot segment/],
    ['a//b', tree, listing([entry(`a//${ESC}`)]), /unsafe file name .*empty segment/],
    ['a NUL name', tree, listing([entry(`${ESC}\0x`)]), /unsafe file name .*control character/],
    ['an empty name', tree, listing([entry('')]), /unsafe file name/],
    ['duplicate names', tree, listing([entry('a.txt'), entry('a.txt')]), /listed a\.txt twice/],
    ['entries for a root never asked about', tree, listing([entry(ESC)], 'dir', 1), /not a tree/],
    ['entries under a root described as a file', tree, listing([entry(ESC)], 'file'), /not a tree/],
    ['entries for a file:// root (not a tree)', ['iam', 'create-role', '--role-name', 'evil', '--assume-role-policy-document', 'file://p.json'], listing([entry(ESC)]), /not a tree/],
    // Only a lying shim can list both; the broker refuses the listing.
    ['a file and a directory of the same name', tree, listing([entry('a'), entry('a/b')]), /./],
    ['more upload bytes than announced', tree, fetched((_m, send, data) => {
      send({ type: 'upload.begin', id: 0, path: 'a.txt', size: 3 });
      data(Buffer.alloc(64 * 1024, 65));
      send({ type: 'upload.end', id: 0, path: 'a.txt', bytes: 3 });
    }), /grew while it was being sent/],
    ['upload.begin for a file not asked for', tree, fetched((_m, send, data) => {
      send({ type: 'upload.begin', id: 0, path: `../../${ESC}`, size: 3 });
      data(Buffer.from('abc'));
    }), /did not ask for next/],
    ['upload.begin for a root never described', tree, fetched((_m, send) => send({ type: 'upload.begin', id: 5, path: 'a.txt', size: 3 })), /did not ask for next/],
    ['upload data before any fetch', tree, (m, send, data) => m.type === 'files.request' && data(Buffer.from('early')), /file data before the broker asked/],
  ];
  const before = await find(tmpdir(), ESC);
  for (const [name, argv, script, message] of cases) {
    const ended = await converse(argv, script);
    const said = `${ended.stderr}${ended.error?.message ?? ''}`;
    t.ok(ended.exit === undefined || ended.exit.exitCode !== 0, `${name}: the command did not succeed (${JSON.stringify(ended.exit ?? ended.error)})`);
    t.notOk(ended.exit?.reason === 'exited' && ended.exit.exitCode === 0, `${name}: the CLI did not run to success`);
    t.match(said, message, `${name}: ${said.trim().slice(0, 300)}`);
    if (name.startsWith('a file and a directory'))
      t.match(said, /^aws-guard: the shim listed /u, `${name}: a clear FILE_PROTOCOL refusal`);
    t.notOk(said.includes(SECRET) || said.includes(BROKER_MARK), `${name}: nothing of the broker leaks`);
    t.same(await find(tmpdir(), ESC), before, `${name}: no ${ESC} anywhere under ${tmpdir()}`);
    t.same(await find(dirname(dataDir), ESC, 2), [], `${name}: nor beside the data dir`);
  }
  // The broker still serves honest agents.
  const ok = await run(['s3', 'ls', `s3://${BUCKET}/`]);
  t.equal(ok.code, 0, ok.stderr);
});

t.test('after everything: no secret in the audit log or broker log, the data dir unchanged, no canary in S3', async (t) => {
  const audit = await readFile(join(dataDir, 'audit', 'audit.jsonl'), 'utf8');
  t.ok(audit.length > 0, 'the audit log recorded the commands');
  t.notOk(audit.includes(SECRET), 'no secret key in the audit log');
  t.notOk(audit.includes(BROKER_MARK), 'no broker canary in the audit log');
  t.notOk(broker.stderr().includes(SECRET), 'no secret key in the broker log');
  const records = audit.trim().split('\n').map((l) => JSON.parse(l) as { type: string; requestId?: string });
  const ended = new Set(records.filter((r) => ['command.refused', 'command.failed', 'command.executed', 'command.cancelled'].includes(r.type)).map((r) => r.requestId));
  const open = records.filter((r) => r.type === 'command.requested' && !ended.has(r.requestId)).map((r) => r.requestId);
  t.ok(records.filter((r) => r.type === 'command.requested').length > 100, 'every command was recorded');
  t.same(open, [], 'every recorded command has its outcome');
  // The audit log and the session recordings grow with every command (docs/sessions.md); nothing else may appear.
  const grows = (p: string) => p.startsWith('audit') || p.startsWith('sessions');
  t.same((await names(dataDir)).filter((p) => !grows(p)), dataBefore.filter((p) => !grows(p)), 'nothing new in the data dir');
  t.equal(await readFile(join(dataDir, 'canary.txt'), 'utf8'), BROKER_MARK, 'the canary is untouched');
  t.ok((await lstat(join(dataDir, 'keys'))).isDirectory());
  const keys = await runAwsDirect(['s3api', 'list-objects-v2', '--bucket', BUCKET, '--query', 'Contents[].Key'], moto.url);
  const objects = await bucketObjects();
  for (const key of JSON.parse(keys.stdout.toString()) as string[]) {
    // A key `s3 sync` cannot write as a file (none expected) is read on its own.
    const body = objects.get(key) ?? (await object(key));
    t.notOk(body.includes(BROKER_MARK) || body.includes(SECRET) || body.includes('"kty"'), `s3://${BUCKET}/${key} holds nothing of the broker`);
  }
  t.ok(everything.length > 100, `${everything.length} commands ran through the shim`);
});
