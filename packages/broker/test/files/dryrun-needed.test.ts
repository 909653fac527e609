// Which files the CLI's dry run says it would send, read back from its report by name lookup.
import t from 'tap';
import { neededFiles, printedName } from '@aws-guard/broker/files/dryrun-needed';
import type { StagedRoot } from '@aws-guard/broker/files/stage-local-files';
import type { RootPlan } from '@aws-guard/broker/files/plan-local-files';

const WORK = '/sbx/work';
const root = (id: number, abs: string, paths: string[]): StagedRoot => ({
  plan: { id } as RootPlan,
  abs,
  listed: { stat: { type: 'files.root', id, kind: 'dir' }, entries: paths.map((path) => ({ path, size: 1, mtimeMs: 0 })) },
});

t.test('names print as os.path.join(os.path.relpath(dirname, cwd), basename)', async (t) => {
  const cases: Array<[string, string]> = [
    ['/sbx/work/site/a.txt', 'site/a.txt'],
    ['/sbx/work/a.txt', './a.txt'],
    ['/sbx/work/site/one/two/c.bin', 'site/one/two/c.bin'],
    ['/sbx/files/0/root/x', '../files/0/root/x'],
  ];
  for (const [abs, printed] of cases) t.equal(printedName(WORK, abs), printed, abs);
});

t.test('report lines pick listed files, whatever else the name holds', async (t) => {
  const roots = [root(0, '/sbx/work/site', ['a.txt', 'one/b c.txt', 'x to s3:/y', 'kept.txt']), root(1, '/sbx/files/1/root', ['z'])];
  const report = [
    '(dryrun) upload: site/a.txt to s3://b/a.txt',
    '(dryrun) upload: site/one/b c.txt to s3://b/one/b c.txt',
    '(dryrun) upload: site/x to s3:/y to s3://b/x to s3:/y',
    '(dryrun) move: ../files/1/root/z to s3://b/z',
    '(dryrun) delete: s3://b/gone',
    'upload: site/kept.txt to s3://b/kept.txt',
    '(dryrun) upload: site/unlisted.txt to s3://b/unlisted.txt',
    'warning: Skipping file /sbx/work/site/kept.txt. File does not exist.',
  ].join('\n');
  const needed = neededFiles(report, WORK, roots);
  t.same([...(needed.get(0) ?? [])].sort(), ['a.txt', 'one/b c.txt', 'x to s3:/y']);
  t.same([...(needed.get(1) ?? [])], ['z']);
});

t.test('an empty report needs nothing', async (t) => {
  const needed = neededFiles('', WORK, [root(0, '/sbx/work/site', ['a'])]);
  t.equal(needed.get(0)?.size, 0);
});
