// The operator's mistakes with `bin/aws-guard`, run as a subprocess: a wrong, unreadable or misplaced data dir, a
// Redis or broker that is not there or is something else, a port in use, a corrupt log. Each is one clear line and
// the documented exit code (README "Exit codes"), never a stack trace or an "internal error"; nothing half-done
// is left behind (no key minted in a mistyped dir, no login stored).
import t from 'tap';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import { spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { startBroker } from '../helpers/broker.js';
import { freePort } from '../helpers/free-port.js';
import { assertOneLine, runGuard } from '../helpers/guard-cli.js';
import { BUNDLE } from '../helpers/paths.js';

const scratch = await mkdtemp(join(tmpdir(), 'aws-guard-operator-'));
await chmod(scratch, 0o755);
const env = { PATH: process.env['PATH'], HOME: scratch, AWS_GUARD_LOG_LEVEL: 'warn' };

// A data dir with a log, keys and a recording, as a broker leaves it: started once and stopped.
const broker = await startBroker();
await broker.stop();
const dataDir = broker.dataDir;

// A file where a data dir should be, and a data dir this user may not enter.
const aFile = join(scratch, 'a-file');
await writeFile(aFile, 'not a directory\n');
const locked = join(scratch, 'locked');
await mkdir(join(locked, 'audit'), { recursive: true });
await writeFile(join(locked, 'audit', 'audit.jsonl'), '');
await chmod(locked, 0o000);
t.teardown(() => chmod(locked, 0o700));

const manyErrors = join(scratch, 'many-errors.yaml');
await writeFile(manyErrors, 'listen: nope\nexec:\n  timeout: soon\n  maxConcurrent: -3\nbogusKey: 1\n');
const notYaml = join(scratch, 'not-yaml.yaml');
await writeFile(notYaml, 'listen: [\n  bad');

const notAws = join(scratch, 'not-aws');
await writeFile(notAws, '#!/bin/sh\necho hello\n', { mode: 0o755 });

// Something on loopback that answers HTTP but is not a broker (nor Redis).
const notABroker: Server = createHttpServer((_req, res) => res.writeHead(404).end('not found'));
notABroker.listen(0, '127.0.0.1');
await once(notABroker, 'listening');
t.teardown(() => notABroker.close());
const httpUrl = `http://127.0.0.1:${(notABroker.address() as { port: number }).port}`;
const closedPort = await freePort();

type Case = Readonly<{ name: string; args: readonly string[]; code: number; stderr: RegExp; unprivileged?: boolean; prefix?: RegExp }>;

const FILE_IS_NOT_DIR = /cannot (open|create) .*: a part of the path is a file, not a directory: check the path \(--data-dir\?\)|exists and is not a directory/;
const PERMISSION = /cannot open .*locked.*: permission denied: run as a user that may use it/;

const CASES: readonly Case[] = [
  // A file given as the data dir: each command says so instead of "internal error: ENOTDIR" (exit 70 before).
  ...['token issue --agent a --for h', 'audit verify', 'audit tail', 'audit export --format jsonl', 'audit pubkey', 'sessions'].map((c) => ({
    name: `${c} --data-dir <a file>`, args: [...c.split(' '), '--data-dir', aFile], code: 1, stderr: FILE_IS_NOT_DIR,
  })),
  // A data dir this user cannot read: "permission denied" and what to do (exit 70 with EACCES before).
  ...['token issue --agent a --for h', 'audit tail', 'audit export --format jsonl', 'sessions'].map((c) => ({
    name: `${c} --data-dir <unreadable>`, args: [...c.split(' '), '--data-dir', locked], code: 1, stderr: PERMISSION, unprivileged: true,
  })),
  { name: 'audit verify on a dir without a log names the likely mistake', args: ['audit', 'verify', '--data-dir', scratch], code: 1,
    stderr: /does NOT verify: AUDIT_LOG_MISSING: no audit log at .* \(wrong --data-dir\?\)\n$/, prefix: /^audit log / },
  { name: 'token issue with a data dir that does not exist mints nothing', args: ['token', 'issue', '--agent', 'a', '--for', 'h', '--data-dir', join(scratch, 'typo')], code: 1,
    stderr: /no data dir at .*typo: pass the broker's --data-dir/ },
  // Redis that is not there, not Redis, or not a Redis URL.
  { name: 'audit tail --redis with another scheme is a usage error', args: ['audit', 'tail', '--redis', 'http://127.0.0.1:6379'], code: 2, stderr: /--redis must be a redis:\/\/ or rediss:\/\/ URL, not http:\/\/…\n$/ },
  { name: 'audit verify --redis at an HTTP server', args: ['audit', 'verify', '--redis', `redis://127.0.0.1:${new URL(httpUrl).port}`], code: 1, stderr: /cannot reach Redis at redis:\/\/127\.0\.0\.1:\d+: (the connection closed before any Redis answer \(is it Redis\?\)|read ECONNRESET)\n$/ },
  // The broker's start: a file as data dir, Redis down, a corrupt log (each exit 70 "internal error" before).
  { name: 'broker --data-dir <a file>', args: ['broker', '--listen', '127.0.0.1:0', '--data-dir', aFile], code: 78, stderr: /the broker cannot start:\n {2}cannot create .*a-file: it exists and is not a directory/, prefix: /^aws-guard: the broker cannot start:\n {2}\S/ },
  { name: 'broker --redis at a closed port', args: ['broker', '--listen', '127.0.0.1:0', '--data-dir', join(scratch, 'redis-dd'), '--redis', `redis://127.0.0.1:${closedPort}`], code: 78,
    stderr: /cannot reach Redis at redis:\/\/127\.0\.0\.1:\d+ to read the audit head: connect ECONNREFUSED .*: start Redis, or fix --redis/, prefix: /^aws-guard: the broker cannot start:\n {2}\S/ },
  // An --aws-cli that is not the AWS CLI, or not there: what to pass instead.
  { name: 'broker --aws-cli that is not the AWS CLI', args: ['broker', '--listen', '127.0.0.1:0', '--data-dir', join(scratch, 'cli-dd'), '--aws-cli', notAws], code: 78,
    stderr: /--version printed no aws-cli version: it is not the AWS CLI; pass the real one with --aws-cli PATH/, prefix: /^aws-guard: the broker cannot start:\n {2}\S/ },
  { name: 'broker --aws-cli that does not exist', args: ['broker', '--listen', '127.0.0.1:0', '--data-dir', join(scratch, 'cli-dd'), '--aws-cli', join(scratch, 'no-aws')], code: 78,
    stderr: /no-aws is not an executable file: pass the AWS CLI's path with --aws-cli PATH/, prefix: /^aws-guard: the broker cannot start:\n {2}\S/ },
  // Config and policy files that are missing, or wrong in several ways at once (all reported together).
  { name: 'broker --config that does not exist', args: ['broker', '--listen', '127.0.0.1:0', '--config', join(scratch, 'nope.yaml')], code: 78,
    stderr: /nope\.yaml: cannot read the config file: no such file or directory\n$/, prefix: /^aws-guard: invalid broker configuration:\n {2}\S/ },
  { name: 'explain --policy that does not exist', args: ['explain', '--policy', join(scratch, 'nope.yaml'), '--', 's3', 'ls'], code: 2, stderr: /nope\.yaml: cannot read the policy: no such file or directory\n$/ },
  { name: 'broker --config with several errors lists them all', args: ['broker', '--config', manyErrors], code: 78,
    stderr: /listen: must be HOST:PORT[\s\S]*exec\.maxConcurrent: must be a positive integer[\s\S]*"bogusKey"[\s\S]*exec\.timeout: "soon" is not a duration/, prefix: /^aws-guard: invalid broker configuration:\n/ },
  { name: 'broker --config that is not YAML', args: ['broker', '--config', notYaml], code: 78, stderr: /not-yaml\.yaml: invalid YAML/, prefix: /^aws-guard: invalid broker configuration:\n/ },
  // Approver and agent commands pointed at something that is not a broker.
  { name: 'exec against an HTTP server', args: ['exec', '--', 's3', 'ls'], code: 255, stderr: /answered HTTP 404, which is not an aws-guard broker's answer .*: check AWS_GUARD_URL\n$/ },
  { name: 'pending against an HTTP server', args: ['pending', '--broker', httpUrl, '--token', 'x'], code: 1, stderr: /answered HTTP 404, which is not an aws-guard broker's answer/ },
  { name: 'login against an HTTP server stores nothing', args: ['login', '--broker', httpUrl, '--token', 'x'], code: 1, stderr: /^aws-guard: nothing stored: .*answered HTTP 404/ },
  { name: 'login against a closed port stores nothing', args: ['login', '--broker', `ws://127.0.0.1:${closedPort}`, '--token', 'x'], code: 1, stderr: /^aws-guard: nothing stored: cannot reach the broker at .*ECONNREFUSED/ },
  { name: 'login with a broker URL that is not a URL', args: ['login', '--broker', 'not a url', '--token', 'x'], code: 2, stderr: /^aws-guard: nothing stored: the broker URL is not a URL/ },
];

for (const c of CASES) {
  t.test(c.name, async (t) => {
    const res = await runGuard(c.args, { ...env, AWS_GUARD_URL: httpUrl, AWS_GUARD_TOKEN: 'x' }, { unprivileged: c.unprivileged ?? false });
    t.equal(res.code, c.code, `exit ${c.code}: ${res.stderr}`);
    t.match(res.stderr, c.stderr);
    t.notMatch(res.stderr, /internal error/);
    if (c.prefix === undefined) assertOneLine(t, res.stderr);
    else {
      t.notMatch(res.stderr, /\n\s+at /, 'no stack trace');
      t.match(res.stderr, c.prefix);
    }
  });
}

t.test('nothing is left behind by a refused token issue or login', async (t) => {
  t.notOk(existsSync(join(scratch, 'typo')), 'no data dir (nor key) made for a mistyped --data-dir');
  t.notOk(existsSync(join(scratch, '.config', 'aws-guard', 'login.json')), 'no login stored');
});

t.test('broker: a port in use and a corrupt audit log are one clear report', async (t) => {
  const busy = createTcpServer().listen(0, '127.0.0.1');
  await once(busy, 'listening');
  t.teardown(() => busy.close());
  const port = (busy.address() as { port: number }).port;
  const inUse = await runGuard(['broker', '--listen', `127.0.0.1:${port}`, '--data-dir', join(scratch, 'busy-dd')], env);
  t.equal(inUse.code, 1, inUse.stderr);
  t.match(inUse.stderr, /^aws-guard: the broker cannot listen on 127\.0\.0\.1:\d+: the address is already in use \(another broker\?\): stop it, or choose another --listen$/m);
  t.notMatch(inUse.stderr, /\n\s+at |internal error/);

  const corrupt = join(scratch, 'corrupt-dd');
  await mkdir(join(corrupt, 'audit'), { recursive: true, mode: 0o700 });
  await writeFile(join(corrupt, 'audit', 'audit.jsonl'), '{"not":"a record"}\n');
  const res = await runGuard(['broker', '--listen', '127.0.0.1:0', '--data-dir', corrupt], env);
  t.equal(res.code, 78, res.stderr);
  t.match(res.stderr, /^aws-guard: the broker cannot start:\n {2}.*audit\.jsonl: the last record .* is not sound .*run `aws-guard audit verify`\n$/);
});

t.test('login stores only what the broker accepts', async (t) => {
  const live = await startBroker();
  t.teardown(live.stop);
  const home = { ...env, HOME: await mkdtemp(join(tmpdir(), 'aws-guard-login-')) };
  const agent = await runGuard(['login', '--broker', live.url, '--token', await live.token({ role: 'agent' })], home);
  t.equal(agent.code, 1, agent.stderr);
  t.match(agent.stderr, /^aws-guard: nothing stored: the broker refused the connection: a token with role "agent" cannot be used here/);
  const approver = await runGuard(['login', '--broker', live.url, '--token', await live.token({ role: 'approver', agent: 'bob-laptop', human: 'bob' })], home);
  t.equal(approver.code, 0, approver.stderr);
  t.match(approver.stdout, /^stored in /);
  const pending = await runGuard(['pending'], home);
  t.equal(pending.code, 0, pending.stderr);
  t.equal(pending.stdout, 'no pending requests\n', 'the stored login works');
});

t.test('every command has --help with examples; exec shows it for a bare --help or nothing to run', async (t) => {
  const commands = ['broker', 'token issue', 'exec', 'shim install', 'explain', 'approve', 'deny', 'pending', 'login', 'audit verify', 'audit tail', 'audit export', 'audit pubkey', 'sessions', 'replay', 'doctor'];
  for (const c of commands) {
    const res = await runGuard([...c.split(' '), '--help'], env);
    t.equal(res.code, 0, `${c} --help exits 0`);
    t.match(res.stdout, new RegExp(`^Usage: aws-guard ${c}`), `${c}: usage`);
    t.match(res.stdout, new RegExp(`\\nExamples:\\n {2}(\\S+=\\S+ )*aws-guard ${c}`), `${c}: an example of itself`);
  }
  const nothing = await runGuard(['exec'], env);
  t.equal(nothing.code, 2, 'exec with nothing to run is a usage error');
  t.match(nothing.stderr, /^Usage: aws-guard exec -- <aws arguments>/);
  const passedOn = await runGuard(['exec', '--', '--help'], env);
  t.equal(passedOn.code, 253, 'after --, --help is the CLI\'s: it goes to the shim (here not configured)');
});

t.test('audit tail -f ends on Ctrl-C with exit 130', async (t) => {
  const child = spawn(BUNDLE, ['audit', 'tail', '-f', '--data-dir', dataDir], { env });
  let stdout = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  const exited = once(child, 'exit') as Promise<[number | null, string | null]>;
  for (let i = 0; i < 200 && !stdout.includes('broker.started'); i++) await new Promise((r) => setTimeout(r, 25));
  t.match(stdout, /broker\.started/, 'following');
  child.kill('SIGINT');
  const [code] = await exited;
  t.equal(code, 130);
});
