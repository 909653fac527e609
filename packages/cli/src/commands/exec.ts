// `aws-guard exec -- <aws args>`: the shim without the `aws` symlink.
import type { Command } from 'commander';
import { withExamples } from './help-examples.js';
import type { RegisterCommand } from './command-context.js';

const HELP = new Set(['--help', '-h']);

export const registerExec: RegisterCommand = (program, ctx) => {
  withExamples(program.command('exec'), [
    'AWS_GUARD_URL=ws://127.0.0.1:8750 AWS_GUARD_TOKEN=eyJ… aws-guard exec -- sts get-caller-identity',
    'aws-guard exec -- s3 cp ./report.csv s3://my-bucket/reports/',
  ])
    .description('run one aws command through the broker, exactly as the `aws` shim would')
    .argument('[args...]', 'the aws arguments, after --')
    .allowUnknownOption()
    // Every option belongs to aws (`exec -- s3 ls --help` is the CLI's help), so commander's own is off; only a
    // bare `exec --help` (no `--` before it) or `exec` with nothing to run shows this command's help.
    .helpOption(false)
    .usage('-- <aws arguments>')
    .action(async (args: string[], _opts: unknown, command: Command) => {
      // The parsed args lose the `--`; the process's argv (what runAdminCli parsed) still has it.
      const first = process.argv[process.argv.indexOf('exec') + 1];
      if (args.length === 1 && HELP.has(args[0] ?? '') && first === args[0]) return command.help();
      if (args.length === 0) return command.help({ error: true });
      const { runShim, processShimIo } = await import('../shim/run-shim.js');
      ctx.setExitCode(await runShim(processShimIo(args, ctx.version)));
    });
};
