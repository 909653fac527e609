// The agent's local files through the gateway, against the emulator and compared with the real CLI run in the
// same directory: file:// and fileb:// inputs, outfiles, s3 cp trees up with excludes and sync back down into an
// empty directory (byte-identical), sync sending only what changed, --delete and mv applied on the agent.
import t from 'tap';
import { mkdtemp, readFile, writeFile, access, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { startMoto } from '../helpers/moto.js';
import { startBroker, writeAllowAllPolicy } from '../helpers/broker.js';
import { agentEnv, runAws } from '../helpers/shim.js';
import { runAwsDirect } from '../helpers/real-aws.js';
import { readTree, writeTree } from '../helpers/trees.js';
import { readAuditRecords } from '../helpers/audit.js';

const moto = await startMoto();
t.teardown(moto.stop);
// These tests are about files, not decisions: everything is allowed.
const policyFile = await writeAllowAllPolicy();
const broker = await startBroker({ endpointUrl: moto.url, args: ['--policy', policyFile] });
t.teardown(broker.stop);
const agentHome = await mkdtemp(join(tmpdir(), 'agent-home-'));
const env = await agentEnv(broker.url, await broker.token(), { HOME: agentHome });
const workdir = () => mkdtemp(join(tmpdir(), 'agent-cwd-'));
const exists = (p: string) => access(p).then(() => true, () => false);

const POLICY = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] });

t.test('file:// inputs are read from the agent, however the path is written', async (t) => {
  const cwd = await workdir();
  await writeTree(cwd, { 'p.json': POLICY, 'sub/q.json': POLICY });
  await writeTree(agentHome, { 'home.json': POLICY });
  const cases = [
    ['relative', 'file://p.json'],
    ['nested relative', 'file://sub/q.json'],
    ['dot-dot', 'file://sub/../p.json'],
    ['absolute', `file://${cwd}/p.json`],
    ['tilde', 'file://~/home.json'],
    ['$HOME', 'file://$HOME/home.json'],
    ['${HOME}', 'file://${HOME}/home.json'],
  ] as const;
  for (const [i, [name, value]] of cases.entries()) {
    const res = await runAws(['iam', 'create-policy', '--policy-name', `p-${i}`, '--policy-document', value], { env, cwd });
    t.equal(res.code, 0, `${name}: exit 0 (stderr: ${res.stderr})`);
    const arn = JSON.parse(res.stdout.toString()).Policy.Arn as string;
    const version = await runAwsDirect(['iam', 'get-policy-version', '--policy-arn', arn, '--version-id', 'v1'], moto.url);
    const doc = JSON.parse(version.stdout.toString()).PolicyVersion.Document;
    t.same(typeof doc === 'string' ? JSON.parse(decodeURIComponent(doc)) : doc, JSON.parse(POLICY), `${name}: the emulator holds the agent's document`);
  }
});

t.test('a missing file gives the CLI its own error', async (t) => {
  const cwd = await workdir();
  const via = await runAws(['iam', 'create-policy', '--policy-name', 'nope', '--policy-document', 'file://missing.json'], { env, cwd });
  const direct = await runAwsDirect(['iam', 'create-policy', '--policy-name', 'nope', '--policy-document', 'file://missing.json'], moto.url, undefined, cwd);
  t.equal(via.code, direct.code);
  t.equal(via.stderr, direct.stderr);
});

t.test('fileb:// sends bytes: lambda create-function with a zip', async (t) => {
  const cwd = await workdir();
  // A real zip (the CLI checks), made by the Python that runs the CLI anyway.
  const made = spawnSync('python3', ['-c', 'import zipfile,os,sys; z=zipfile.ZipFile(sys.argv[1],"w"); z.writestr("x.py", os.urandom(2048).hex()); z.close()', join(cwd, 'f.zip')]);
  t.equal(made.status, 0, 'zip made');
  const zip = await readFile(join(cwd, 'f.zip'));
  const role = await runAwsDirect(['iam', 'create-role', '--role-name', 'fn-role', '--assume-role-policy-document', '{"Version":"2012-10-17","Statement":[]}'], moto.url);
  const roleArn = JSON.parse(role.stdout.toString()).Role.Arn as string;
  const res = await runAws(['lambda', 'create-function', '--function-name', 'fn', '--runtime', 'python3.11', '--handler', 'x.y', '--role', roleArn, '--zip-file', 'fileb://f.zip'], { env, cwd });
  t.equal(res.code, 0, `exit 0 (stderr: ${res.stderr})`);
  const created = JSON.parse(res.stdout.toString());
  t.equal(created.CodeSize, zip.length, 'the function holds the agent zip size');
  t.equal(created.CodeSha256, createHash('sha256').update(zip).digest('base64'), 'and its digest');
});

t.test('s3 trees: cp --recursive up with excludes, sync down into an empty directory', async (t) => {
  const cwd = await workdir();
  const tree = { 'a.txt': 'a', 'one/b.txt': 'b', 'one/two/c.bin': randomBytes(70_000), 'one/two/three/d.txt': 'd', 'skip.log': 'log', 'one/two/e.log': 'log' };
  await writeTree(join(cwd, 'site'), tree);
  t.equal((await runAws(['s3', 'mb', 's3://trees'], { env, cwd })).code, 0);
  const up = await runAws(['s3', 'cp', 'site', 's3://trees/site', '--recursive', '--exclude', '*.log'], { env, cwd });
  t.equal(up.code, 0, `upload exit 0 (stderr: ${up.stderr})`);
  // The CLI redraws its progress line with \r and pads it with spaces.
  const lines = up.stdout.toString().split(/\r|\n/).map((l) => l.trimEnd()).filter((l) => l.startsWith('upload: ')).sort();
  t.same(lines, ['upload: site/a.txt to s3://trees/site/a.txt', 'upload: site/one/b.txt to s3://trees/site/one/b.txt', 'upload: site/one/two/c.bin to s3://trees/site/one/two/c.bin', 'upload: site/one/two/three/d.txt to s3://trees/site/one/two/three/d.txt'], 'the CLI reports the agent paths as written');

  const down = await runAws(['s3', 'sync', 's3://trees/site', 'copy'], { env, cwd });
  t.equal(down.code, 0, `sync down exit 0 (stderr: ${down.stderr})`);
  const original = await readTree(join(cwd, 'site'));
  delete original['skip.log'];
  delete original['one/two/e.log'];
  t.same(await readTree(join(cwd, 'copy')), original, 'the tree came back byte-identical, without the excluded files');

  const again = await runAws(['s3', 'sync', 's3://trees/site', 'copy'], { env, cwd });
  t.equal(again.code, 0);
  t.equal(again.stdout.toString(), '', 'a second sync finds nothing to do: the agent tree was compared');
  const direct = await runAwsDirect(['s3', 'sync', 's3://trees/site', 'copy'], moto.url, undefined, cwd);
  t.equal(direct.stdout.toString(), '', 'nor does the real CLI run in the agent directory');
});

t.test('sync up sends only the files that changed', async (t) => {
  const cwd = await workdir();
  await writeTree(join(cwd, 'src'), { 'x.txt': 'x', 'y.txt': 'y', 'deep/z.txt': 'z' });
  // S3 keeps LastModified in whole seconds and sync re-sends a file whose mtime is newer, so a file written in the
  // second of its upload looks changed to the CLI itself (a fast, warm run hit it). Dated a minute back, the files
  // are unchanged only if aws-guard hands the CLI their real mtimes.
  const past = new Date(Date.now() - 60_000);
  for (const rel of ['x.txt', 'y.txt', 'deep/z.txt']) await utimes(join(cwd, 'src', rel), past, past);
  t.equal((await runAws(['s3', 'mb', 's3://incr'], { env, cwd })).code, 0);
  const first = await runAws(['s3', 'sync', 'src', 's3://incr'], { env, cwd });
  t.equal(first.code, 0, first.stderr);
  t.equal(first.stdout.toString().split('\n').filter((l) => l.includes('upload:')).length, 3);
  await writeFile(join(cwd, 'src', 'y.txt'), 'y changed');
  const second = await runAws(['s3', 'sync', 'src', 's3://incr'], { env, cwd });
  t.equal(second.code, 0, second.stderr);
  t.match(second.stdout.toString(), /upload: src\/y\.txt to s3:\/\/incr\/y\.txt/);
  t.notMatch(second.stdout.toString(), /x\.txt|z\.txt/, 'unchanged files are not sent');
  const audit = await readAuditRecords(broker.dataDir);
  const last = audit.filter((r) => r.type === 'command.executed').at(-1);
  t.match(last?.data, { files: { filesIn: 1 } }, 'the audit counts one file received');
  // The dry run is a second run of the CLI with the command's credentials: the audit says it ran and how it ended.
  t.match(last?.data, { files: { dryRun: { exitCode: 0, argv: ['s3', 'sync', '--dryrun', 'src', 's3://incr'] } } }, 'the audit records the dry run');
});

t.test('outfiles and downloads land in the agent cwd; sync --delete and mv apply locally', async (t) => {
  const cwd = await workdir();
  const body = randomBytes(100_000);
  await writeFile(join(cwd, 'body.bin'), body);
  t.equal((await runAws(['s3', 'mb', 's3://outs'], { env, cwd })).code, 0);
  t.equal((await runAws(['s3api', 'put-object', '--bucket', 'outs', '--key', 'k', '--body', 'body.bin'], { env, cwd })).code, 0);
  const get = await runAws(['s3api', 'get-object', '--bucket', 'outs', '--key', 'k', 'out.bin'], { env, cwd });
  t.equal(get.code, 0, get.stderr);
  t.same(await readFile(join(cwd, 'out.bin')), body, 'get-object outfile');
  const cp = await runAws(['s3', 'cp', 's3://outs/k', 'dir/'], { env, cwd });
  t.equal(cp.code, 0, cp.stderr);
  t.same(await readFile(join(cwd, 'dir', 'k')), body, 's3 cp into a directory keeps the key name');

  await writeTree(join(cwd, 'mirror'), { 'k': body, 'stale.txt': 'old' });
  await utimes(join(cwd, 'mirror', 'k'), new Date('2001-01-01'), new Date('2001-01-01'));
  const sync = await runAws(['s3', 'sync', 's3://outs', 'mirror', '--delete'], { env, cwd });
  t.equal(sync.code, 0, sync.stderr);
  t.notOk(await exists(join(cwd, 'mirror', 'stale.txt')), 'sync --delete removed the local extra file');
  t.same(await readFile(join(cwd, 'mirror', 'k')), body, 'and kept the object');

  await writeFile(join(cwd, 'moved.txt'), 'move me');
  const mv = await runAws(['s3', 'mv', 'moved.txt', 's3://outs/moved.txt'], { env, cwd });
  t.equal(mv.code, 0, mv.stderr);
  t.notOk(await exists(join(cwd, 'moved.txt')), 'mv removed the local file');
  const back = await runAwsDirect(['s3', 'cp', 's3://outs/moved.txt', '-'], moto.url);
  t.equal(back.stdout.toString(), 'move me');
});
