// `aws-guard audit verify` and `aws-guard audit tail`: the options; the work is in audit-run.ts, loaded only
// when one of them runs so that other commands do not pay for the audit and schema code.
import type { RegisterCommand } from './command-context.js';
import type { AuditTailOptions, AuditVerifyOptions } from './audit-run.js';

const DEFAULT_TAIL_LINES = 10;

export const registerAudit: RegisterCommand = (program, ctx) => {
  const audit = program.command('audit').description('read and verify the tamper-evident audit log');
  audit
    .command('verify')
    .description('check the whole hash chain; exit 0 only if it verifies, else name the first bad record')
    .option('--data-dir <dir>', 'the broker\'s data dir (env AWS_GUARD_DATA_DIR; default ./.aws-guard)')
    .option('--json', 'print the result as one JSON object')
    .action(async (opts: AuditVerifyOptions) => ctx.setExitCode(await (await import('./audit-run.js')).runAuditVerify(opts, ctx)));
  audit
    .command('tail')
    .description('show the last records: time, who (agent for human), event, command, exit code')
    .option('--data-dir <dir>', 'the broker\'s data dir (env AWS_GUARD_DATA_DIR; default ./.aws-guard)')
    .option('-n, --lines <n>', `how many records (default ${DEFAULT_TAIL_LINES})`)
    .option('--json', 'print the records as JSON Lines, exactly as stored')
    .action(async (opts: AuditTailOptions) => ctx.setExitCode(await (await import('./audit-run.js')).runAuditTail(opts, ctx)));
};
