// Builds the `aws-guard` command (commander) from one file per sub-command and runs it.
import { Command, CommanderError } from 'commander';
import type { CommandContext, RegisterCommand } from './commands/command-context.js';
import { registerBroker } from './commands/broker.js';
import { registerToken } from './commands/token.js';
import { registerExec } from './commands/exec.js';
import { registerShimInstall } from './commands/shim-install.js';
import { registerAudit } from './commands/audit.js';
import { registerExplain } from './commands/explain.js';
import { registerApprovals } from './commands/approvals.js';
import { registerDoctor } from './commands/doctor.js';
import { registerSessions } from './commands/sessions.js';
import { registerReplay } from './commands/replay.js';

const COMMANDS: readonly RegisterCommand[] = [registerBroker, registerToken, registerExec, registerShimInstall, registerExplain, registerApprovals, registerAudit, registerSessions, registerReplay, registerDoctor];

export const buildProgram = (ctx: CommandContext): Command => {
  const program = new Command('aws-guard')
    .description('A gateway between AI agents and AWS: the agent holds no AWS credentials; the broker parses, decides, runs and audits every aws command.')
    .version(ctx.version, '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => ctx.stdout.write(s), writeErr: (s) => ctx.stderr.write(s) })
    .addHelpText('after', '\nAs `aws` (a symlink made by `aws-guard shim install DIR`) it is the shim: every aws command goes to the broker\nin AWS_GUARD_URL with the token in AWS_GUARD_TOKEN or AWS_GUARD_TOKEN_FILE.\n\nExamples:\n  aws-guard broker --data-dir /var/lib/aws-guard\n  aws-guard token issue --data-dir /var/lib/aws-guard --agent claude-1 --for alice\n  aws-guard doctor\n\nExit codes: 0 ok, 1 failed (the line says why), 2 usage, 70 internal error, 78 broker configuration,\n130 interrupted (Ctrl-C); `exec` and the shim: the AWS CLI\'s own, 253 not configured, 255 broker unreachable or refusing.');
  for (const register of COMMANDS) register(program, ctx);
  return program;
};

export const runAdminCli = async (argv: readonly string[], version: string): Promise<number> => {
  let exitCode = 0;
  const ctx: CommandContext = Object.freeze({
    env: process.env,
    stdout: process.stdout,
    stderr: process.stderr,
    version,
    setExitCode: (code: number) => {
      exitCode = code;
    },
  });
  try {
    await buildProgram(ctx).parseAsync([...argv]);
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    throw e;
  }
  return exitCode;
};
