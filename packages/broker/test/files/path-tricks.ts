// The path tricks of DESIGN §7.6 crossed with every command-line form that carries a local path, as real
// command lines for the real parser; and where the real CLI (its Python) would look for a path on the broker.
import { spawnSync } from 'node:child_process';
import { analyzeCommand } from '@aws-guard/shared/command/analyze-command';
import type { AwsCommand } from '@aws-guard/shared/command/aws-command';
import { createModelStore, sourceModelDir } from '@aws-guard/shared/aws-model/model-store';

const model = createModelStore(sourceModelDir());

/** The installed CLI is v1 (the oracle's); the broker parses for the CLI it runs. */
export const analyze = (argv: readonly string[]): AwsCommand | null => {
  const result = analyzeCommand(argv, { model, env: {}, cliMajor: 1 });
  return result.ok ? result.value : null;
};

export const PATH_TRICKS: readonly string[] = [
  '..',
  '../x.json',
  'sub/../x.json',
  'a/../../x.json',
  '../../../../../../etc/passwd',
  '/etc/passwd',
  '/',
  '~',
  '~/x.json',
  '~root/x.json',
  '~/../../etc/passwd',
  '$HOME/x.json',
  '${HOME}/x.json',
  '$AWS_SECRET_ACCESS_KEY',
  '${AWS_SECRET_ACCESS_KEY}',
  'x$AWS_SECRET_ACCESS_KEY.json',
  '%2e%2e/x.json',
  '%2e%2e%2fx.json',
  '..%2fx.json',
  '-',
  '-x',
  '--x',
  './-x',
  'my file.json',
  '.',
  './',
  'dir/',
  'x.json',
  'sub/x.json',
  '..x',
  '...',
  'a\\..\\x',
  '',
  ' ',
  'x\n',
  'x/.',
  '.aws/credentials',
];

export type Form = Readonly<{ name: string; argv: (path: string) => string[] }>;

/** `--opt value`, or `--opt=value` when the value looks like an option (argparse would take it for one). */
const opt = (name: string, value: string): string[] => (value.startsWith('-') ? [`${name}=${value}`] : [name, value]);
/** Positionals, after `--` when one looks like an option. */
const pos = (...values: string[]): string[] => (values.some((v) => v.startsWith('-')) ? ['--', ...values] : values);

export const FORMS: readonly Form[] = [
  { name: 'file://', argv: (p) => ['iam', 'create-policy', '--policy-name', 'p', '--policy-document', `file://${p}`] },
  { name: 'fileb://', argv: (p) => ['kinesis', 'put-record', '--stream-name', 's', '--partition-key', 'k', '--data', `fileb://${p}`] },
  { name: 'shorthand @=file://', argv: (p) => ['glue', 'create-job', '--name', 'n', '--role', 'r', '--command', 'Name=x,ScriptLocation=s', '--default-arguments', `a@=file://${p}`] },
  { name: 'shorthand @=fileb://', argv: (p) => ['glue', 'create-job', '--name', 'n', '--role', 'r', '--command', 'Name=x,ScriptLocation=s', '--default-arguments', `k=v,a@=fileb://${p}`] },
  { name: '--cli-input-json file://', argv: (p) => ['iam', 'create-policy', '--cli-input-json', `file://${p}`] },
  { name: '--body (streaming blob)', argv: (p) => ['s3api', 'put-object', '--bucket', 'b', '--key', 'k', ...opt('--body', p)] },
  { name: 'get-object outfile', argv: (p) => ['s3api', 'get-object', '--bucket', 'b', '--key', 'k', ...pos(p)] },
  // A `--` straight after the s3 subcommand goes to the top-level parser (the real CLI refuses the line too).
  { name: 's3 cp up', argv: (p) => ['s3', 'cp', '--no-guess-mime-type', ...pos(p, 's3://b/k')] },
  { name: 's3 cp down', argv: (p) => ['s3', 'cp', '--no-guess-mime-type', ...pos('s3://b/k', p)] },
  { name: 's3 cp --recursive up', argv: (p) => ['s3', 'cp', '--recursive', ...pos(p, 's3://b/p')] },
  { name: 's3 mv up', argv: (p) => ['s3', 'mv', '--no-guess-mime-type', ...pos(p, 's3://b/k')] },
  { name: 's3 sync up', argv: (p) => ['s3', 'sync', '--no-guess-mime-type', ...pos(p, 's3://b/p')] },
  { name: 's3 sync down --delete', argv: (p) => ['s3', 'sync', '--delete', ...pos('s3://b/p', p)] },
  { name: 'cloudformation package --template-file', argv: (p) => ['cloudformation', 'package', '--s3-bucket', 'b', ...opt('--template-file', p)] },
];

export type Case = Readonly<{ trick: string; form: string; argv: readonly string[]; cmd: AwsCommand }>;

/**
 * Every trick in every form that can carry it: the parser must accept the line and report a local file with the
 * path exactly as written (a shorthand value ends at `,` or `}`, `-` is stdin for s3). The rest are returned apart.
 */
export const pathCases = (): { cases: Case[]; unexpressible: string[] } => {
  const cases: Case[] = [];
  const unexpressible: string[] = [];
  for (const form of FORMS)
    for (const trick of PATH_TRICKS) {
      const argv = form.argv(trick);
      const cmd = analyze(argv);
      if (cmd !== null && cmd.localFiles.some((r) => r.form !== 'stdio' && r.path === trick)) cases.push({ trick, form: form.name, argv, cmd });
      else unexpressible.push(`${form.name} ${JSON.stringify(trick)}`);
    }
  return { cases, unexpressible };
};

/** The environment of the CLI on the broker, at its most hostile: every variable a trick names is defined. */
export const HOSTILE_ENV: Readonly<Record<string, string>> = {
  PATH: process.env['PATH'] ?? '/usr/bin:/bin',
  HOME: '/broker/home',
  AWS_SECRET_ACCESS_KEY: '../../../broker-secret',
  X: '/etc',
};

const LOOKS_AT = `
import json, os, sys
out = []
for q in json.load(sys.stdin):
    t = q['token']
    if q['expand']:
        # paramfile.py: expandvars(expanduser(p)); argprocess.py (streaming blobs) and arguments.py: the other order.
        a = os.path.expandvars(os.path.expanduser(t))
        b = os.path.expanduser(os.path.expandvars(t))
    else:
        a = b = t
    out.append([os.path.abspath(os.path.join(q['cwd'], a)), os.path.abspath(os.path.join(q['cwd'], b))])
json.dump(out, sys.stdout)
`;

/**
 * Where the real CLI's Python opens each token, run from `cwd` in HOSTILE_ENV: both expansion orders the CLI uses,
 * then os.path.abspath. One interpreter for the whole batch.
 */
export const cliLooksAt = (queries: readonly { token: string; expand: boolean; cwd: string }[]): (readonly [string, string])[] => {
  const run = spawnSync(process.env['AWS_GUARD_PYTHON'] ?? 'python3', ['-c', LOOKS_AT], { input: JSON.stringify(queries), encoding: 'utf8', env: { ...HOSTILE_ENV }, maxBuffer: 64 * 1024 * 1024 });
  if (run.status !== 0) throw new Error(`python3 failed: ${run.stderr || run.error?.message}`);
  return JSON.parse(run.stdout) as [string, string][];
};
