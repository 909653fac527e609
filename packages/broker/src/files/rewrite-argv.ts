// Rewrites the arguments that name local paths staged elsewhere (plan-local-files.ts), then proves the rewrite
// by parsing the result again: the same command, the same parameters, only those paths changed. A rewrite that
// cannot be proven is refused (fail closed), never run.
import type { AwsCommand, LocalFileRef } from '@aws-guard/shared/command/aws-command';
import { fail, ok, type Result } from '@aws-guard/shared/result';
import { shorthandFiles } from '@aws-guard/shared/command/shorthand-files';
import type { RootPlan } from './plan-local-files.js';

export type Reparse = (argv: readonly string[]) => AwsCommand | null;

const prefixOf = (ref: LocalFileRef): string =>
  ref.form === 'file' ? 'file://' : ref.form === 'fileb' ? 'fileb://' : '';

/** The new text of one token, or undefined when it does not carry this ref. */
const rewriteToken = (token: string, ref: LocalFileRef, to: string, afterOption: boolean): string | undefined => {
  if (ref.form === 'shorthand-file' || ref.form === 'shorthand-fileb') {
    const scheme = ref.form === 'shorthand-file' ? 'file://' : 'fileb://';
    const needle = `@=${scheme}${ref.path}`;
    const parts = token.split(needle);
    // Only where every occurrence is a file the CLI loads: in `a@=file://p,b=c@=file://p` b's value is text for
    // AWS and must reach it as written (the reparse below compares whole parameters, so it cannot see this).
    const loaded = shorthandFiles(token).filter((f) => f.prefix === scheme && f.path === ref.path).length;
    return parts.length > 1 && parts.length - 1 === loaded ? parts.join(`@=${scheme}${to}`) : undefined;
  }
  const whole = `${prefixOf(ref)}${ref.path}`;
  if (token === whole && (afterOption || !ref.arg.startsWith('--'))) return `${prefixOf(ref)}${to}`;
  const eq = token.indexOf('=');
  if (token.startsWith('--') && eq > 2 && ref.arg.startsWith(token.slice(0, eq)) && token.slice(eq + 1) === whole) return `${token.slice(0, eq + 1)}${prefixOf(ref)}${to}`;
  return undefined;
};

const sameJson = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

export type Rewritten = Readonly<{ argv: readonly string[]; cmd: AwsCommand }>;

export const rewriteArgv = (cmd: AwsCommand, roots: readonly RootPlan[], reparse: Reparse): Result<Rewritten, 'FILE_REWRITE_FAILED'> => {
  const moved = roots.filter((r) => r.rewriteTo !== null);
  if (moved.length === 0) return ok({ argv: cmd.argv, cmd });
  const argv = [...cmd.argv];
  for (const root of moved)
    for (const ref of root.refs)
      for (let i = 0; i < argv.length; i += 1) {
        const previous = argv[i - 1] ?? '';
        const afterOption = previous.startsWith('--') && !previous.includes('=') && ref.arg.startsWith(previous);
        const next = rewriteToken(argv[i] as string, ref, root.rewriteTo as string, afterOption);
        if (next !== undefined) argv[i] = next;
      }
  const failure = (why: string) =>
    fail('FILE_REWRITE_FAILED', `aws-guard cannot stage ${moved.map((r) => r.path).join(', ')} for the CLI (${why}); name the file by a path relative to the current directory`);
  const again = reparse(argv);
  if (again === null) return failure('the rewritten command does not parse');
  const fileArgs = new Set(moved.flatMap((r) => r.refs.map((ref) => ref.arg.replace(/^--/u, ''))));
  const changedParams = Object.keys({ ...cmd.params, ...again.params }).filter((k) => !fileArgs.has(k) && !sameJson(cmd.params[k], again.params[k]));
  if (again.service !== cmd.service || again.operation !== cmd.operation || !sameJson(cmd.globals, again.globals) || changedParams.length > 0)
    return failure(`the same text appears in ${changedParams.map((k) => `--${k}`).join(', ') || 'another argument'}`);
  const target = new Map(moved.flatMap((r) => r.refs.map((ref) => [ref, r.rewriteTo as string] as const)));
  const expected = cmd.localFiles.map((ref) => ({ ...ref, path: target.get(ref) ?? ref.path }));
  if (!sameJson(expected, again.localFiles)) return failure('its arguments did not rewrite cleanly');
  return ok({ argv: Object.freeze(argv), cmd: again });
};

/** The same command with `--dryrun` after the s3 operation, proven by a reparse like any rewrite. */
export const dryrunArgv = (argv: readonly string[], cmd: AwsCommand, reparse: Reparse): readonly string[] | null => {
  const at = argv.findIndex((token, i) => token === cmd.operation && argv[i - 1] === 's3');
  if (at === -1) return null;
  const out = [...argv.slice(0, at + 1), '--dryrun', ...argv.slice(at + 1)];
  const again = reparse(out);
  if (again === null || again.params['dryrun'] !== true || !sameJson(again.localFiles.map((r) => r.path), cmd.localFiles.map((r) => r.path))) return null;
  return out;
};
