// Where the broker stages every path trick (DESIGN §7.6) in every form that names a local file: the place the
// real CLI's Python will open lies inside the request's sandbox and is exactly where the file was staged.
import t from 'tap';
import { posix } from 'node:path';
import { isSafeRelativePath, planLocalFiles, type RootPlan } from '@aws-guard/broker/files/plan-local-files';
import { rewriteArgv } from '@aws-guard/broker/files/rewrite-argv';
import { viewMounts, type AgentView, type ViewMount } from '@aws-guard/broker/files/agent-view';
import { analyze, cliLooksAt, pathCases, type Case } from './path-tricks.js';


// A sandbox as createSandbox makes it; nothing is created, the planner does no I/O.
const SANDBOX = '/tmp/aws-guard-req-TEST';
const WORK = `${SANDBOX}/work`;
const FILES = `${SANDBOX}/files`;

const under = (path: string, dir: string): boolean => path === dir || path.startsWith(`${dir}/`);

const { cases, unexpressible } = pathCases();

t.test('the table covers every trick in most forms', async (t) => {
  t.ok(cases.length >= 400, `${cases.length} (trick, form) command lines parsed; not expressible: ${unexpressible.join('; ')}`);
  // The tricks the issue names must reach the planner in every form that takes a file:// or plain path.
  for (const trick of ['..', '../x.json', '/etc/passwd', '~/x.json', '$HOME/x.json', '$AWS_SECRET_ACCESS_KEY', '%2e%2e/x.json', '-x', './-x', 'my file.json'])
    t.equal(cases.filter((c) => c.trick === trick).length, 14, `${JSON.stringify(trick)} is carried by all 14 forms`);
});

t.test('every root is one plan per distinct path, and every local file of the command has one', async (t) => {
  for (const c of cases) {
    const plans = planLocalFiles(c.cmd);
    const refs = c.cmd.localFiles.filter((r) => r.form !== 'stdio');
    t.same(plans.flatMap((p) => p.refs).length, refs.length, `${c.form} ${JSON.stringify(c.trick)}: all refs planned`);
    t.same(plans.map((p) => p.id), plans.map((_, i) => i), 'ids are 0..n-1');
  }
});

type Staged = { c: Case; plan: RootPlan; staged: string };

t.test('the CLI opens each path exactly where it was staged, inside the sandbox, whatever it expands', async (t) => {
  const staged: Staged[] = cases.flatMap((c) => planLocalFiles(c.cmd).map((plan) => ({ c, plan, staged: posix.resolve(WORK, plan.stageRel) })));
  // The token the CLI will see for this root: the rewritten one, or the path as the agent wrote it.
  const looks = cliLooksAt(staged.map(({ plan }) => ({ token: plan.rewriteTo ?? plan.path, expand: plan.expand, cwd: WORK })));
  staged.forEach(({ c, plan, staged: where }, i) => {
    const name = `${c.form} ${JSON.stringify(c.trick)} (root ${plan.id} ${JSON.stringify(plan.path)})`;
    t.ok(under(where, WORK) || under(where, `${FILES}/${plan.id}`), `${name}: staged at ${where}, under work/ or its own files/${plan.id}/`);
    const [first, second] = looks[i] as [string, string];
    t.equal(first, where, `${name}: the CLI (expandvars(expanduser())) opens ${first}`);
    t.equal(second, where, `${name}: the CLI (expanduser(expandvars())) opens ${second}`);
  });
});

t.test('a rewritten path is inert where the CLI expands it, and lives in files/<id>/', async (t) => {
  for (const c of cases)
    for (const plan of planLocalFiles(c.cmd)) {
      if (plan.rewriteTo === null) continue;
      const name = `${c.form} ${JSON.stringify(c.trick)}`;
      t.ok(plan.rewriteTo.startsWith(`../files/${plan.id}/`), `${name}: rewritten to ${plan.rewriteTo}`);
      t.ok(plan.stageRel.startsWith(`../files/${plan.id}/`), `${name}: staged at ${plan.stageRel}`);
      if (plan.expand) t.notMatch(plan.rewriteTo, /[$~]/u, `${name}: no $ or ~ left for the CLI to expand`);
      // The whole token as the CLI gets it must not start like an option either.
      t.notOk(plan.rewriteTo.startsWith('-'), `${name}: does not look like an option`);
    }
});

t.test('a plainly relative path is kept as written, and only such a path', async (t) => {
  for (const c of cases) {
    const plans = planLocalFiles(c.cmd);
    const name = `${c.form} ${JSON.stringify(c.trick)}`;
    for (const plan of plans) {
      const plain = plan.path !== '' && !plan.path.startsWith('/') && !plan.path.startsWith('-') && !/[$~%\\\n]/u.test(plan.path) && !plan.path.split('/').includes('..');
      t.equal(plan.rewriteTo === null, plain, `${name}: ${plain ? 'kept' : 'rewritten'}`);
      t.equal(isSafeRelativePath(plan.path), plan.rewriteTo === null, `${name}: isSafeRelativePath agrees`);
      if (plan.rewriteTo === null) t.equal(plan.stageRel, posix.normalize(plan.path).replace(/\/+$/u, '').replace(/^\.$/u, ''), `${name}: staged at the same place under work/`);
    }
    if (plans.every((p) => p.rewriteTo === null)) {
      const rewritten = rewriteArgv(c.cmd, plans, analyze);
      t.ok(rewritten.ok, `${name}: nothing to rewrite`);
      if (rewritten.ok) t.same(rewritten.value.argv, c.argv, `${name}: argv unchanged`);
    }
  }
});

t.test('roots are per path: one file read and written is one root, s3 paths apart from expanded ones', async (t) => {
  const table = [
    // [command line, expected roots as [path, expand, reads, writes]]
    [['lambda', 'invoke', '--function-name', 'f', '--payload', 'file://p.json', 'p.json'], [['p.json', true, 'content', true]]],
    [['s3', 'sync', 's3://b/p', 'dir', '--delete'], [['dir', false, 'state', true]]],
    [['s3', 'sync', 'dir', 's3://b/p'], [['dir', false, 'tree-needed', false]]],
    [['s3', 'cp', 's3://b/k', '~/x'], [['~/x', false, 'none', true]]],
    [['s3api', 'get-object', '--bucket', 'b', '--key', 'k', 'out.bin'], [['out.bin', true, 'none', true]]],
    [['iam', 'create-policy', '--policy-name', 'file://a.json', '--policy-document', 'file://a.json'], [['a.json', true, 'content', false]]],
  ] as const;
  for (const [argv, expected] of table) {
    const cmd = analyze(argv);
    if (cmd === null) throw new Error(`does not parse: ${argv.join(' ')}`);
    t.same(planLocalFiles(cmd).map((p) => [p.path, p.expand, p.reads, p.writes]), expected, argv.join(' '));
  }
});

// Under bwrap the CLI runs in the agent's cwd and sees the sandbox through binds (files/agent-view.ts): every
// path it opens there must land, through those binds, exactly where the root was staged, inside the sandbox.
const AGENT_CWD = '/home/agent/project';
const SYSTEM = ['/usr', '/etc', '/opt/pyenv', SANDBOX, '/proc', '/dev'];
const VIEW: AgentView = {
  cwd: AGENT_CWD,
  filesDir: FILES,
  isFree: (dir) => dir !== '/' && !SYSTEM.some((s) => under(dir, s) || under(s, dir)),
};

/** Where a namespace path lives on the host: the deepest bind that covers it, else the sandbox's own bind. */
const hostPath = (mounts: readonly ViewMount[], path: string): string | null => {
  const bind = [...mounts].reverse().find((m) => under(path, m.to));
  if (bind !== undefined) return `${bind.from}${path.slice(bind.to.length)}`;
  return under(path, SANDBOX) ? path : null;
};

t.test('under an agent view the CLI opens each path, through the binds, exactly where it was staged', async (t) => {
  let shown = 0;
  const viewed = cases.map((c) => {
    const plans = planLocalFiles(c.cmd, VIEW);
    return { c, plans, mounts: viewMounts(VIEW, WORK, plans.flatMap((p) => (p.mountDir === null ? [] : [p.mountDir]))) };
  });
  // One interpreter for every case's roots (a Python start-up per case was most of this file's time).
  const looks = cliLooksAt(viewed.flatMap(({ plans }) => plans.map((plan) => ({ token: plan.rewriteTo ?? plan.path, expand: plan.expand, cwd: AGENT_CWD }))));
  let at = 0;
  for (const { c, plans, mounts } of viewed) {
    for (const plan of plans) {
      const name = `${c.form} ${JSON.stringify(c.trick)} (root ${plan.id} ${JSON.stringify(plan.path)})`;
      const where = posix.resolve(WORK, plan.stageRel);
      t.ok(under(where, SANDBOX), `${name}: staged inside the sandbox at ${where}`);
      if (plan.rewriteTo === null) {
        shown += 1;
        // The kernel walks every directory before a `..`: in the namespace only the cwd's ancestors exist.
        const segments = plan.path.split('/');
        segments.forEach((s, i) => {
          if (s === '..') t.ok(under(AGENT_CWD, posix.resolve(AGENT_CWD, segments.slice(0, i).join('/') || '.')), `${name}: climbs only through the cwd's ancestors`);
        });
      }
      else t.ok(plan.rewriteTo.startsWith(`${FILES}/${plan.id}/`), `${name}: rewritten into files/${plan.id}/, which the CLI sees at its host path`);
      for (const opened of looks[at] as [string, string]) t.equal(hostPath(mounts, opened), where, `${name}: the CLI opens ${opened}`);
      at += 1;
    }
    for (const m of mounts) t.ok(m.to === AGENT_CWD || VIEW.isFree(m.to), `${c.form} ${JSON.stringify(c.trick)}: bind at ${m.to} covers nothing the CLI needs`);
  }
  t.equal(at, looks.length, 'the interpreter answered for every root');
  t.ok(shown > 100, `${shown} roots shown at the agent's own paths, the rest rewritten`);
});

t.test('an agent view keeps absolute and ../ paths as written, and rewrites what it cannot show', async (t) => {
  const table = [
    // [path in `s3 cp PATH s3://b/k`, rewritten?, mount dir]
    ['/data/in/a.txt', false, '/data/in'],
    ['../a.txt', false, '/home/agent'],
    [`${AGENT_CWD}/a.txt`, false, null],
    ['./x/../a.txt', true, null],
    ['./../a.txt', false, '/home/agent'],
    ['/data/in/../a.txt', true, null],
    ['/etc/hostname', true, null],
    ['/usr/share/doc', true, null],
    ['..', true, null],
    ['/home', true, null],
  ] as const;
  for (const [path, rewritten, mountDir] of table) {
    const cmd = analyze(['s3', 'cp', path, 's3://b/k', ...(path.endsWith('doc') || path === '..' || path === '/home' ? ['--recursive'] : [])]);
    if (cmd === null) throw new Error(`does not parse: ${path}`);
    const [plan] = planLocalFiles(cmd, VIEW);
    t.equal(plan?.rewriteTo !== null, rewritten, `${path}: ${rewritten ? 'rewritten' : 'kept'}`);
    t.equal(plan?.mountDir, mountDir, `${path}: mount ${mountDir}`);
  }
});

t.test('binds: outermost mirrored dirs, then the work dir at the agent cwd, shallow before deep', async (t) => {
  const mounts = viewMounts(VIEW, WORK, ['/data/in/deep', '/home/agent', '/data/in', '/data/in']);
  t.same(mounts, [
    { from: `${SANDBOX}/mirror/data/in`, to: '/data/in' },
    { from: `${SANDBOX}/mirror/home/agent`, to: '/home/agent' },
    { from: WORK, to: AGENT_CWD },
  ]);
});
