// `aws-guard sessions`: the options; the work is in sessions-run.ts, loaded only when it runs.
import { withExamples } from './help-examples.js';
import type { RegisterCommand } from './command-context.js';
import type { SessionsOptions } from './sessions-run.js';

const DATA_DIR_HELP = 'the broker\'s data dir (env AWS_GUARD_DATA_DIR; default ./.aws-guard)';

export const registerSessions: RegisterCommand = (program, ctx) => {
  withExamples(program.command('sessions'), ['aws-guard sessions --data-dir /var/lib/aws-guard', 'aws-guard sessions --json'])
    .description('list the agent sessions: agent, human, start, commands, denied, approved, and whether a recording exists')
    .option('--data-dir <dir>', DATA_DIR_HELP)
    .option('--json', 'print one JSON array of sessions')
    .action(async (opts: SessionsOptions) => ctx.setExitCode(await (await import('./sessions-run.js')).runSessions(opts, ctx)));
};
