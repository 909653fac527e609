// `aws-guard shim install` links `aws` straight to the shim's own bundle (bin/dist/shim.cjs), replaces only an
// aws-guard shim, and that link and older links to bin/aws-guard run the same shim: same output, exit codes and
// failures. AWS_GUARD_SHIM_TIMING=1 adds the phase report (scripts/bench-shim-startup.mjs) and nothing else.
import t from 'tap';
import { lstat, mkdir, mkdtemp, readlink, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { startBroker } from '../helpers/broker.js';
import { freePort } from '../helpers/free-port.js';
import { runGuard } from '../helpers/guard-cli.js';
import { BUNDLE, FIXTURES, requireShimBundle } from '../helpers/paths.js';

const broker = await startBroker({ awsCli: `${FIXTURES}fake-aws/sandbox-aws` });
t.teardown(broker.stop);
const token = await broker.token();
const shimBundle = await realpath(requireShimBundle());

const install = (dir: string) => runGuard(['shim', 'install', dir]);

/** Runs `aws ARGS` through the link at `aws`; the environment holds only what the test gives. */
const runLink = (aws: string, args: readonly string[], env: NodeJS.ProcessEnv) =>
  new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(aws, [...args], { env: { PATH: process.env['PATH'], HOME: tmpdir(), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });

t.test('install links aws to the shim bundle, and re-installs over it or over an older link to bin/aws-guard', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'shim-install-'));
  for (const before of ['nothing', 'the same link', 'an older link to bin/aws-guard']) {
    if (before === 'an older link to bin/aws-guard') {
      await rm(join(dir, 'aws'));
      await symlink(BUNDLE, join(dir, 'aws'));
    }
    const res = await install(dir);
    t.equal(res.code, 0, `over ${before}: ${res.stderr}`);
    t.equal(await readlink(join(dir, 'aws')), shimBundle, `over ${before}: aws → shim.cjs`);
    t.match(res.stdout, `installed ${join(dir, 'aws')} -> ${shimBundle}`);
  }
});

t.test('install refuses to replace anything that is not an aws-guard shim', async (t) => {
  for (const [what, make] of [
    ['a regular file', (p: string) => writeFile(p, '#!/bin/sh\necho real aws\n')],
    ['a link to another program', (p: string) => symlink('/bin/true', p)],
  ] as const) {
    const dir = await mkdtemp(join(tmpdir(), 'shim-install-'));
    await make(join(dir, 'aws'));
    const res = await install(dir);
    t.equal(res.code, 1, what);
    t.match(res.stderr, /already exists and is not this aws-guard/, what);
    t.ok((await lstat(join(dir, 'aws'))).isSymbolicLink() === (what !== 'a regular file'), `${what} is left as it was`);
  }
});

t.test('both link styles run the same shim', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'shim-links-'));
  await mkdir(join(dir, 'installed'));
  await mkdir(join(dir, 'entry'));
  t.equal((await install(join(dir, 'installed'))).code, 0);
  await symlink(BUNDLE, join(dir, 'entry', 'aws'));
  const unreachable = `ws://127.0.0.1:${await freePort()}`;
  const cases = [
    { name: 'a command', args: ['sts', 'get-caller-identity'], env: { AWS_GUARD_URL: broker.url, AWS_GUARD_TOKEN: token }, code: 0, stdout: /"argv":\["sts","get-caller-identity"\]/, stderr: /^$/ },
    { name: 'not configured', args: ['s3', 'ls'], env: {}, code: 253, stdout: /^$/, stderr: /^aws-guard: AWS_GUARD_URL is not set: .*\n$/ },
    { name: 'an unreachable broker', args: ['s3', 'ls'], env: { AWS_GUARD_URL: unreachable, AWS_GUARD_TOKEN: token }, code: 255, stdout: /^$/, stderr: /^aws-guard: cannot reach the broker at .* \(ECONNREFUSED\)\n$/ },
    // wss:// loads tls on first use in the shim's bundle (scripts/build-bundle.mjs): it must still connect.
    { name: 'an unreachable wss:// broker', args: ['s3', 'ls'], env: { AWS_GUARD_URL: unreachable.replace('ws:', 'wss:'), AWS_GUARD_TOKEN: token }, code: 255, stdout: /^$/, stderr: /^aws-guard: cannot reach the broker at wss:.* \(ECONNREFUSED\)\n$/ },
    { name: 'a refused token', args: ['s3', 'ls'], env: { AWS_GUARD_URL: broker.url, AWS_GUARD_TOKEN: 'not-a-jwt' }, code: 255, stdout: /^$/, stderr: /^aws-guard: the broker refused the connection: .*\n$/ },
  ];
  for (const c of cases) {
    const installed = await runLink(join(dir, 'installed', 'aws'), c.args, c.env);
    const entry = await runLink(join(dir, 'entry', 'aws'), c.args, c.env);
    t.equal(installed.code, c.code, `${c.name}: exit code (${installed.stderr})`);
    t.match(installed.stdout, c.stdout, `${c.name}: stdout`);
    t.match(installed.stderr, c.stderr, `${c.name}: stderr`);
    // The fixture CLI prints its per-command sandbox paths, so stdout is compared by shape.
    t.same({ code: entry.code, stderr: entry.stderr }, { code: installed.code, stderr: installed.stderr }, `${c.name}: the same through bin/aws-guard`);
    t.match(entry.stdout, c.stdout, `${c.name}: the same stdout through bin/aws-guard`);
  }
});

t.test('AWS_GUARD_SHIM_TIMING=1 reports the phases in order on stderr, after the output', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'shim-timing-'));
  t.equal((await install(dir)).code, 0);
  const res = await runLink(join(dir, 'aws'), ['sts', 'get-caller-identity'], { AWS_GUARD_URL: broker.url, AWS_GUARD_TOKEN: token, AWS_GUARD_SHIM_TIMING: '1' });
  t.equal(res.code, 0, res.stderr);
  const phases = [...res.stderr.matchAll(/^aws-guard: timing (\S+)\s+at=\s*[\d.]+ ms/gm)].map((m) => m[1]);
  t.same(phases.slice(0, 3), ['node.v8Start', 'node.environment', 'node.bootstrapComplete'], "Node's own start-up first");
  // The relay loads while the connection is being made: before or after the broker's answer.
  t.same(
    phases.slice(3).filter((p) => p !== 'relay-loaded'),
    ['loaded', 'config', 'connecting', 'upgraded', 'hello', 'command-sent', 'accepted', 'first-output', 'exit-received', 'done'],
    'the shim phases, in the order they happen',
  );
  t.ok(phases.indexOf('relay-loaded') > phases.indexOf('connecting') && phases.indexOf('relay-loaded') < phases.indexOf('command-sent'), 'relay loaded between connecting and sending the command');
  t.equal(res.stderr.split('\n').filter((l) => l !== '' && !l.startsWith('aws-guard: timing ')).length, 0, 'nothing else on stderr');
  const plain = await runLink(join(dir, 'aws'), ['sts', 'get-caller-identity'], { AWS_GUARD_URL: broker.url, AWS_GUARD_TOKEN: token });
  t.equal(plain.stderr, '', 'without it, no report');
});
