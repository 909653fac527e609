// Under bubblewrap the CLI runs in the agent's own cwd and sees staged files at the agent's own paths, so its
// messages for absolute and `../` paths read exactly as the real CLI's run in the agent's directory. Paths that
// cannot be shown there (`~`, over a system directory) still work, through a rewrite.
import t from 'tap';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMoto } from '../helpers/moto.js';
import { startBroker, writeAllowAllPolicy } from '../helpers/broker.js';
import { agentEnv, runAws } from '../helpers/shim.js';
import { runAwsDirect } from '../helpers/real-aws.js';
import { writeTree } from '../helpers/trees.js';

const moto = await startMoto();
t.teardown(moto.stop);
const broker = await startBroker({ endpointUrl: moto.url, args: ['--policy', await writeAllowAllPolicy()] });
t.teardown(broker.stop);
const agentHome = await mkdtemp(join(tmpdir(), 'agent-home-'));
const env = await agentEnv(broker.url, await broker.token(), { HOME: agentHome });
t.equal((await runAwsDirect(['s3', 'mb', 's3://paths'], moto.url)).code, 0);

/** The report lines of an s3 transfer, without the progress lines the CLI redraws with `\r`. */
const reported = (out: Buffer): string[] =>
  out.toString().split(/\r|\n/).map((l) => l.trimEnd()).filter((l) => /^(upload|download|move|delete): /.test(l)).sort();

t.test('the broker runs the CLI under bwrap here', async (t) => {
  t.match(broker.stderr(), /isolation: bwrap /);
});

t.test('absolute and ../ paths: the same messages and exit codes as the real CLI in the agent directory', async (t) => {
  const base = await mkdtemp(join(tmpdir(), 'agent-paths-'));
  const cwd = join(base, 'project');
  await writeTree(base, { 'project/local.txt': 'here', 'site/a.txt': 'a', 'site/sub/b.txt': 'b', 'single.txt': 'one' });
  // Each side uploads under its own prefix: a second sync to the same place would find nothing to do.
  const cases = (to: string): readonly (readonly string[])[] => [
    ['s3', 'cp', join(base, 'single.txt'), `s3://paths/${to}/abs/single.txt`],
    ['s3', 'cp', '../single.txt', `s3://paths/${to}/rel/single.txt`],
    ['s3', 'cp', '../site', `s3://paths/${to}/tree/`, '--recursive'],
    ['s3', 'sync', join(base, 'site'), `s3://paths/${to}/synced/`],
    ['s3', 'cp', `${cwd}/local.txt`, `s3://paths/${to}/inside.txt`],
    ['s3', 'cp', join(base, 'nope.txt'), `s3://paths/${to}/nope.txt`],
    ['s3', 'cp', '../nope/', `s3://paths/${to}/nope/`, '--recursive'],
  ];
  for (const [i, args] of cases('via').entries()) {
    const name = args.join(' ');
    const via = await runAws(args, { env, cwd });
    const real = await runAwsDirect(cases('real')[i] as readonly string[], moto.url, undefined, cwd);
    const same = (text: string) => text.replaceAll('s3://paths/real/', 's3://paths/via/');
    t.equal(via.code, real.code, `${name}: exit ${real.code}`);
    t.same(reported(via.stdout), reported(real.stdout).map(same), `${name}: the same report lines`);
    t.equal(via.stderr, same(real.stderr), `${name}: the same errors`);
  }
});

t.test('downloads to absolute and ../ paths land there, reported as the real CLI reports them', async (t) => {
  const base = await mkdtemp(join(tmpdir(), 'agent-down-'));
  const cwd = join(base, 'project');
  const directBase = await mkdtemp(join(tmpdir(), 'direct-down-'));
  const directCwd = join(directBase, 'project');
  await writeTree(base, { 'project/.keep': '' });
  await writeTree(directBase, { 'project/.keep': '' });
  await writeFile(join(base, 'up.txt'), 'payload');
  t.equal((await runAwsDirect(['s3', 'cp', join(base, 'up.txt'), 's3://paths/down/k.txt'], moto.url)).code, 0);
  const cases = (root: string): readonly (readonly string[])[] => [
    ['s3', 'cp', 's3://paths/down/k.txt', '../out/k.txt'],
    ['s3', 'cp', 's3://paths/down/k.txt', join(root, 'abs.txt')],
    ['s3', 'sync', 's3://paths/down/', join(root, 'synced')],
  ];
  for (const [i, args] of cases(base).entries()) {
    const name = args.join(' ');
    const via = await runAws(args, { env, cwd });
    const real = await runAwsDirect(cases(directBase)[i] as readonly string[], moto.url, undefined, directCwd);
    t.equal(via.code, 0, `${name}: exit 0 (${via.stderr})`);
    t.same(reported(via.stdout), reported(real.stdout).map((l) => l.replaceAll(directBase, base)), `${name}: the same report lines`);
  }
  t.equal(await readFile(join(base, 'out', 'k.txt'), 'utf8'), 'payload', '../out/k.txt written beside the cwd');
  t.equal(await readFile(join(base, 'abs.txt'), 'utf8'), 'payload', 'the absolute path written');
  t.equal(await readFile(join(base, 'synced', 'k.txt'), 'utf8'), 'payload', 'the absolute sync destination filled');
});

t.test('paths that cannot be shown at their own place still work, through the rewrite', async (t) => {
  const cwd = await mkdtemp(join(tmpdir(), 'agent-cwd-'));
  const policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] });
  await writeTree(agentHome, { 'home.json': policy });
  const tilde = await runAws(['iam', 'create-policy', '--policy-name', 'tilde', '--policy-document', 'file://~/home.json'], { env, cwd });
  t.equal(tilde.code, 0, tilde.stderr);
  const arn = JSON.parse(tilde.stdout.toString()).Policy.Arn as string;
  const version = await runAwsDirect(['iam', 'get-policy-version', '--policy-arn', arn, '--version-id', 'v1'], moto.url);
  const doc = JSON.parse(version.stdout.toString()).PolicyVersion.Document;
  t.same(typeof doc === 'string' ? JSON.parse(decodeURIComponent(doc)) : doc, JSON.parse(policy), "~ is the agent's home");
  // /etc holds files the CLI reads (resolv.conf, ssl): an agent file there is never bound over them.
  const etc = await runAws(['s3', 'cp', '/etc/hostname', 's3://paths/hostname'], { env, cwd });
  t.equal(etc.code, 0, etc.stderr);
  t.notMatch(etc.stdout.toString(), /upload: \/etc\/hostname/, 'reported at its staged place, not as /etc/hostname');
  const back = await runAwsDirect(['s3', 'cp', 's3://paths/hostname', '-'], moto.url);
  t.equal(back.stdout.toString(), await readFile('/etc/hostname', 'utf8'), "the agent's file was sent");
});
