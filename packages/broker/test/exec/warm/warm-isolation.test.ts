// Nothing one command sets is seen by the next: env, credentials, cwd, module globals and caches, open files.
// And the fork is a command of its own: its own session and process group, only fds 0-2, killed whole on a stop.
import t from 'tap';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { runAwsCli } from '@aws-guard/broker/exec/run-aws-cli';
import { createWarmPool } from '@aws-guard/broker/exec/warm/warm-pool';
import { workerScript } from '@aws-guard/broker/exec/warm/worker-script';
import { resolvePythonCli, runIn } from './warm-fixture.js';
import { isGone } from '../../../../../test/helpers/process-tree.js';

const { cli, python } = await resolvePythonCli();
const dir = mkdtempSync(join(tmpdir(), 'aws-guard-warm-test-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

// A CLI script run the way the worker runs `aws`: it reports what it sees and plants state for the next one.
const probe = join(dir, 'probe-aws');
writeFileSync(probe, `#!${python}
import json, os, sys, botocore, awscli.clidriver
seen = {'mark': getattr(botocore, '_planted', None), 'cache': sorted(getattr(awscli.clidriver, '_planted_cache', {}))}
botocore._planted = sys.argv[1]
awscli.clidriver.__dict__.setdefault('_planted_cache', {})[sys.argv[1]] = True
os.environ['PLANTED_' + sys.argv[1]] = '1'
os.chdir('/')
leak = open('/etc/hostname')
fds = sorted(int(fd) for fd in os.listdir('/proc/self/fd'))
print(json.dumps(dict(seen, env=dict(os.environ),
  fds=fds, pid=os.getpid(), pgid=os.getpgid(0), sid=os.getsid(0), ppid=os.getppid(), argv=sys.argv,
  umask=os.umask(0o022))))
sys.exit(int(sys.argv[2]) if len(sys.argv) > 2 else 0)
`);
chmodSync(probe, 0o755);
// Reports the cwd it started in (the probe above moves away from it on purpose).
const whereami = join(dir, 'cwd-aws');
writeFileSync(whereami, `#!${python}\nimport os, sys\nprint(os.getcwd())\nos.chdir('/tmp')\n`);
chmodSync(whereami, 0o755);
const sleeper = join(dir, 'sleep-aws');
// A CLI that starts a grandchild in its group and then hangs: a stop must kill both.
writeFileSync(sleeper, `#!${python}\nimport subprocess, sys, time\np = subprocess.Popen(['sleep', '300'])\nprint(p.pid, flush=True)\ntime.sleep(300)\n`);
chmodSync(sleeper, 0o755);

const pool = createWarmPool({ python, script: workerScript(), cliPath: cli.path, size: 1, log: () => undefined });
t.teardown(pool.close);
if ((await pool.ready) !== 1) throw new Error('the warm worker did not start');

type Seen = { mark: string | null; cache: string[]; env: Record<string, string>; fds: number[]; pid: number; pgid: number; sid: number; argv: string[] };
const see = async (tag: string, over = {}) => {
  const r = await runIn(pool.run, probe, [tag], over);
  if (r.outcome.exitCode !== 0) throw new Error(`probe failed: ${r.stderr.toString()}`);
  return JSON.parse(r.stdout.toString()) as Seen;
};

t.test('a module global, a module cache and an env var set by one command are not seen by the next', async (t) => {
  const first = await see('one');
  const second = await see('two');
  t.equal(first.mark, null);
  t.equal(second.mark, null, 'module global');
  t.same(second.cache, [], 'module-level cache');
  t.notOk('PLANTED_one' in second.env, 'env var');
  t.same(second.argv, [probe, 'two'], 'sys.argv is the request\'s');
});

t.test('the environment is the request\'s, wholesale: credentials of one command are not the next one\'s', async (t) => {
  const a = await see('a', { credentials: { accessKeyId: 'AKIAFIRSTCOMMAND', secretAccessKey: 's1', sessionToken: 'tok1' } });
  const b = await see('b', { credentials: { accessKeyId: 'AKIASECONDCOMMAND', secretAccessKey: 's2' } });
  t.equal(a.env['AWS_ACCESS_KEY_ID'], 'AKIAFIRSTCOMMAND');
  t.equal(a.env['AWS_SESSION_TOKEN'], 'tok1');
  t.equal(b.env['AWS_ACCESS_KEY_ID'], 'AKIASECONDCOMMAND');
  t.notOk('AWS_SESSION_TOKEN' in b.env, 'no session token left over');
  t.notOk('LANG' in b.env && b.env['LANG'] !== 'C.UTF-8');
  // The worker's own env (HOME=/nonexistent) is nowhere; `import awscli` redid its AWS_DATA_PATH for this env.
  t.not(b.env['HOME'], '/nonexistent');
  t.match(b.env['AWS_DATA_PATH'], /awscli\/data$/);
});

t.test('the fork sees exactly the environment it is given, as a spawned CLI does: nothing of the worker\'s', async (t) => {
  const env = { PATH: '/usr/bin:/bin', ONLY_THIS: 'yes' };
  const warm = JSON.parse((await runIn(pool.run, probe, ['env'], { over: () => ({ env }) })).stdout.toString()) as Seen;
  const spawned = JSON.parse((await runIn(runAwsCli, probe, ['env'], { over: () => ({ env }) })).stdout.toString()) as Seen;
  // Under tap, a spawned child also gets tap's process-info hook (NODE_OPTIONS, _TAPJS_*): not ours.
  const ours = (e: Record<string, string>) => Object.fromEntries(Object.entries(e).filter(([k]) => k !== 'NODE_OPTIONS' && !k.startsWith('_TAPJS_')));
  t.same(ours(warm.env), ours(spawned.env));
  // With no LANG, the interpreter coerces the C locale (PEP 538): the worker does as a fresh one would.
  t.same(Object.keys(ours(warm.env)).sort(), ['AWS_DATA_PATH', 'LC_CTYPE', 'ONLY_THIS', 'PATH', 'PLANTED_env'], 'the request\'s env, what Python and `import awscli` add, what the probe set');
});

t.test('credentials through the real CLI: the second command has none, the first one\'s are not cached', async (t) => {
  const listed = async (creds?: { accessKeyId: string; secretAccessKey: string }) =>
    (await runIn(pool.run, cli.path, ['configure', 'list'], creds === undefined ? { over: () => ({ env: { PATH: '/usr/bin:/bin', HOME: dir, AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null' } }) } : { credentials: creds })).stdout.toString();
  t.match(await listed({ accessKeyId: 'AKIAAAAAAAAAAAAAWXYZ', secretAccessKey: 'secret' }), /\*+WXYZ\s+env/);
  const second = await listed();
  t.notMatch(second, /WXYZ/);
  t.match(second, /access_key\s+<not set>/);
});

t.test('each command starts in its own cwd, whatever the previous one did', async (t) => {
  const first = await runIn(pool.run, whereami, []);
  const second = await runIn(pool.run, whereami, []);
  t.match(first.stdout.toString(), /aws-guard-req-.*\/work\n$/);
  t.match(second.stdout.toString(), /aws-guard-req-.*\/work\n$/);
  t.not(first.stdout.toString(), second.stdout.toString(), 'each its own sandbox');
});

t.test('the fork holds only its stdio: no worker socket, no listening socket, no other request\'s streams', async (t) => {
  const [x, y] = await Promise.all([see('x'), see('y')]);
  for (const s of [x, y]) {
    // 0-2, the file the probe opened itself, and the fd listdir used.
    t.same(s.fds.filter((fd) => fd > 2).length, 2, `only its own files: ${s.fds.join(',')}`);
  }
});

t.test('the fork is its own session and process group, not the worker\'s', async (t) => {
  const s = await see('group');
  t.equal(s.pgid, s.pid);
  t.equal(s.sid, s.pid);
  t.not(s.pid, pool.workers()[0]);
});

t.test('exit codes pass through', async (t) => {
  for (const code of [0, 1, 2, 130, 252, 253, 254, 255]) {
    const r = await runIn(pool.run, probe, ['exit', String(code)]);
    t.equal(r.outcome.exitCode, code, `exit ${code}`);
    t.equal(r.outcome.reason, 'exited');
  }
});

for (const how of ['stop', 'timeout'] as const) {
  t.test(`${how} kills the fork's whole process group`, async (t) => {
    let grandchild = 0;
    const r = await runIn(pool.run, sleeper, [], {
      over: () => (how === 'timeout' ? { timeoutMs: 1500 } : {}),
      onStart: (running) => {
        if (how === 'stop') setTimeout(() => running.stop('cancelled'), 1500);
      },
    });
    grandchild = Number(r.stdout.toString().trim());
    t.equal(r.outcome.reason, how === 'stop' ? 'cancelled' : 'timeout');
    t.equal(r.outcome.signal, 'SIGTERM');
    t.ok(grandchild > 0, 'the grandchild started');
    t.ok(await isGone(grandchild), 'the grandchild is gone');
  });
}

t.test('the output limit stops the command', async (t) => {
  const r = await runIn(pool.run, cli.path, ['help'], { over: () => ({ maxOutputBytes: 1000 }) });
  t.equal(r.outcome.reason, 'output-limit');
  t.ok(r.stdout.length <= 1000);
});

t.test('a missing cwd is a failed start, not an exception', async (t) => {
  const r = await runIn(pool.run, probe, ['x'], { over: () => ({ cwd: join(dir, 'nonexistent') }) });
  t.equal(r.outcome.reason, 'spawn-failed');
  t.equal(r.outcome.exitCode, 255);
});

t.test('stdin that arrives late is waited for, and a slow reader holds the CLI back (blocking stdio)', async (t) => {
  const echo = join(dir, 'echo-aws');
  // Copies stdin to stdout, then reports how many bytes: a non-blocking stdin would read nothing.
  writeFileSync(echo, `#!${python}\nimport sys\ndata = sys.stdin.buffer.read()\nsys.stdout.buffer.write(data * 8)\nsys.stderr.write(str(len(data)))\n`);
  chmodSync(echo, 0o755);
  const payload = Buffer.alloc(2 * 1024 * 1024, 7);
  const chunks: Buffer[] = [];
  let stderr = '';
  const running = pool.run(
    { cliPath: echo, args: [], env: { PATH: '/usr/bin:/bin' }, cwd: dir, readsStdin: true, timeoutMs: 60_000, maxOutputBytes: 1 << 30, killGraceMs: 1000 },
    // A slow reader: 16 MB of output against a sink that takes its time with every chunk.
    async (stream, chunk) => {
      if (stream === 'stderr') stderr += chunk.toString();
      else {
        chunks.push(Buffer.from(chunk));
        if (chunks.length % 16 === 0) await sleep(5);
      }
    },
  );
  await sleep(700);
  running.stdin!.write(payload.subarray(0, 1024 * 1024));
  await sleep(300);
  running.stdin!.end(payload.subarray(1024 * 1024));
  const outcome = await running.done;
  t.equal(outcome.exitCode, 0, `exit 0 (stderr: ${stderr})`);
  t.equal(stderr, String(payload.length), 'the CLI read all of stdin');
  t.equal(Buffer.concat(chunks).length, payload.length * 8, 'all of stdout arrived');
});
