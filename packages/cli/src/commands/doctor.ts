// `aws-guard doctor`: the options; the checks are in doctor-run.ts, loaded only when it runs so that other
// commands do not pay for the broker code it uses.
import { withExamples } from './help-examples.js';
import type { RegisterCommand } from './command-context.js';
import type { DoctorOptions } from './doctor-run.js';

export const registerDoctor: RegisterCommand = (program, ctx) => {
  withExamples(program.command('doctor'), ['aws-guard doctor --config /etc/aws-guard/broker.yaml --data-dir /var/lib/aws-guard', 'aws-guard doctor --token ./agent.jwt'])
    .description('check what aws-guard needs here: the AWS CLI, isolation, data dir and audit chain, policy, config, Redis, the broker in AWS_GUARD_URL, the agent token; exit 1 if anything FAILs')
    .option('--config <file>', 'the broker\'s YAML config file (env AWS_GUARD_CONFIG)')
    .option('--data-dir <dir>', 'the broker\'s data dir (env AWS_GUARD_DATA_DIR; default ./.aws-guard)')
    .option('--aws-cli <path>', 'the real AWS CLI (env AWS_GUARD_AWS_CLI)')
    .option('--policy <file>', 'policy YAML (env AWS_GUARD_POLICY; default: the built-in policy)')
    .option('--isolation <mode>', 'auto|bwrap|none (env AWS_GUARD_ISOLATION; default auto)')
    .option('--redis <url>', 'check that this Redis answers (env AWS_GUARD_REDIS)')
    .option('--token <file>', 'show how this token (a file, or - for stdin) maps: issuer, identity, groups, role, the policy rules that name it; or exactly why it is refused')
    .option('--json', 'print one JSON object: {ok, checks: [{name, status, reason}]}')
    .action(async (opts: DoctorOptions) => ctx.setExitCode(await (await import('./doctor-run.js')).runDoctor(opts, { ...ctx, cwd: process.cwd() })));
};
