// `aws-guard exec -- <aws args>`: the shim without the `aws` symlink.
import type { RegisterCommand } from './command-context.js';

export const registerExec: RegisterCommand = (program, ctx) => {
  program
    .command('exec')
    .description('run one aws command through the broker, exactly as the `aws` shim would')
    .argument('[args...]', 'the aws arguments, after --')
    .allowUnknownOption()
    .helpOption(false)
    .usage('-- <aws arguments>')
    .action(async (args: string[]) => {
      const { runShim, processShimIo } = await import('../shim/run-shim.js');
      ctx.setExitCode(await runShim(processShimIo(args, ctx.version)));
    });
};
