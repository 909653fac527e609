// `aws-guard replay`: the options; the work is in replay-run.ts, loaded only when it runs.
import type { RegisterCommand } from './command-context.js';
import type { ReplayOptions } from './replay-run.js';

export const registerReplay: RegisterCommand = (program, ctx) => {
  program
    .command('replay')
    .description('play a session\'s recording in this terminal with its timing, until it ends or Ctrl-C')
    .argument('<session>', 'the session id (from `aws-guard sessions`) or the path of a .cast file')
    .option('--data-dir <dir>', 'the broker\'s data dir (env AWS_GUARD_DATA_DIR; default ./.aws-guard)')
    .option('--speed <n>', 'play N times as fast (default 1)')
    .option('--idle-limit <seconds>', 'shorten every pause longer than this to this')
    .action(async (session: string, opts: ReplayOptions) => ctx.setExitCode(await (await import('./replay-run.js')).runReplay(session, opts, ctx)));
};
