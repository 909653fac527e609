// `aws-guard replay`: the options; the work is in replay-run.ts, loaded only when it runs.
import { withExamples } from './help-examples.js';
import type { RegisterCommand } from './command-context.js';
import type { ReplayOptions } from './replay-run.js';

export const registerReplay: RegisterCommand = (program, ctx) => {
  withExamples(program.command('replay'), ['aws-guard replay ses_0f3a… --speed 2 --idle-limit 1', 'aws-guard replay ./ses_0f3a.cast'])
    .description('play a session\'s recording in this terminal with its timing, until it ends or Ctrl-C')
    .argument('<session>', 'the session id (from `aws-guard sessions`) or the path of a .cast file')
    .option('--data-dir <dir>', 'the broker\'s data dir (env AWS_GUARD_DATA_DIR; default ./.aws-guard)')
    .option('--speed <n>', 'play N times as fast (default 1)')
    .option('--idle-limit <seconds>', 'shorten every pause longer than this to this')
    .action(async (session: string, opts: ReplayOptions) => ctx.setExitCode(await (await import('./replay-run.js')).runReplay(session, opts, ctx)));
};
