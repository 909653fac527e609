// `aws-guard exec -- <aws args>`: the shim without the `aws` symlink.
import { runShim } from '../shim/run-shim.js';
import { processShimIo } from '../shim/shim-io.js';
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
      ctx.setExitCode(await runShim(processShimIo(args, ctx.version)));
    });
};
