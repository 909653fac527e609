// `aws-guard shim install DIR`: puts an `aws` symlink to this program's shim into DIR (first on the agent's
// PATH). It refuses to replace anything that is not already an aws-guard shim: never a real AWS CLI.
import { withExamples } from './help-examples.js';
import { lstat, mkdir, readlink, realpath, rm, symlink } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { UserFacingError } from '@aws-guard/shared/errors';
import type { CommandContext, RegisterCommand } from './command-context.js';

/** The shim's own bundle, beside the entry (scripts/build-bundle.mjs): `aws` starts it without the entry. */
export const SHIM_BUNDLE = 'shim.cjs';

const exists = async (path: string) => lstat(path).then(() => true, () => false);

/**
 * What `aws` links to: the shim's bundle beside this program when there is one, else this program (which is
 * the shim when invoked as `aws`). Either is an aws-guard shim that an install may replace.
 */
export const shimTargets = async (self: string): Promise<{ target: string; ours: readonly string[] }> => {
  const program = await realpath(self);
  const bundle = join(dirname(program), SHIM_BUNDLE);
  const target = (await exists(bundle)) ? await realpath(bundle) : program;
  return { target, ours: [target, program] };
};

export const runShimInstall = async (dir: string, self: string, ctx: CommandContext): Promise<void> => {
  const { target, ours } = await shimTargets(self);
  const link = join(resolve(dir), 'aws');
  await mkdir(resolve(dir), { recursive: true });
  if (await exists(link)) {
    const stat = await lstat(link);
    const current = stat.isSymbolicLink() ? await realpath(link).catch(() => readlink(link)) : undefined;
    if (current === undefined || !ours.includes(current))
      throw new UserFacingError('SHIM_EXISTS', `${link} already exists and is not this aws-guard (${current ?? 'a regular file'}); remove it yourself if you mean to replace it`, 1);
    await rm(link);
  }
  await symlink(target, link);
  ctx.stdout.write(`installed ${link} -> ${target}\nput ${resolve(dir)} first on the agent's PATH, then set AWS_GUARD_URL and AWS_GUARD_TOKEN\n`);
};

export const registerShimInstall: RegisterCommand = (program, ctx) => {
  const shim = program.command('shim').description('the `aws` shim');
  withExamples(shim.command('install'), ['aws-guard shim install /usr/local/aws-guard/bin && export PATH=/usr/local/aws-guard/bin:$PATH'])
    .description('put an `aws` symlink to the aws-guard shim into DIR (refuses to overwrite a real aws CLI)')
    .argument('<dir>', 'a directory first on the agent\'s PATH')
    .action((dir: string) => runShimInstall(dir, process.argv[1] ?? '', ctx));
};
