// `aws-guard audit verify|pubkey|tail|export`: the options; the work is in audit-verify-run.ts and audit-export-run.ts, loaded
// only when one of them runs so that other commands do not pay for the audit and schema code.
import { withExamples } from './help-examples.js';
import type { RegisterCommand } from './command-context.js';
import type { AuditPubkeyOptions, AuditVerifyOptions } from './audit-verify-run.js';
import type { AuditExportOptions, AuditTailOptions } from './audit-export-run.js';
import { addFilterOptions } from '../audit/filter-options.js';

const DEFAULT_TAIL_LINES = 10;
const DATA_DIR_HELP = 'the broker\'s data dir (env AWS_GUARD_DATA_DIR; default ./.aws-guard)';
const REDIS_HELP = 'read the brokers\' shared audit stream in this Redis instead of the data dir\'s file (env AWS_GUARD_REDIS)';

export const registerAudit: RegisterCommand = (program, ctx) => {
  const audit = program.command('audit').description('read and verify the tamper-evident audit log');
  withExamples(audit.command('verify'), [
    'aws-guard audit verify --data-dir /var/lib/aws-guard --require-signed',
    'aws-guard audit verify --redis redis://10.0.0.5:6379 --pubkey audit.pub.pem --json',
  ])
    .description('check the hash chain and every signed checkpoint; exit 0 only if all verify, else name the first bad record')
    .option('--data-dir <dir>', DATA_DIR_HELP)
    .option('--redis <url>', REDIS_HELP)
    .option('--pubkey <file>', 'the public key (PEM) to check checkpoints with (default: the data dir\'s own key)')
    .option('--require-signed', 'fail, instead of warning, when records after the last checkpoint are not signed yet')
    .option('--from <seq|time>', 'verify from this record seq, or the first record at or after this ISO time, trusting the record before it')
    .option('--json', 'print the result as one JSON object')
    .action(async (opts: AuditVerifyOptions) => ctx.setExitCode(await (await import('./audit-verify-run.js')).runAuditVerify(opts, ctx)));
  const tail = withExamples(audit.command('tail'), ['aws-guard audit tail -n 50 --agent claude-1', 'aws-guard audit tail -f --decision deny   # until Ctrl-C (exit 130)'])
    .description('show the last records: time, who (agent for human), event, command, exit code')
    .option('--data-dir <dir>', DATA_DIR_HELP)
    .option('--redis <url>', REDIS_HELP)
    .option('-n, --lines <n>', `how many records (default ${DEFAULT_TAIL_LINES})`)
    .option('--json', 'print the records as JSON Lines, exactly as stored')
    .option('-f, --follow', 'then show each new record as the broker appends it, until Ctrl-C');
  addFilterOptions(tail)
    .action(async (opts: AuditTailOptions) => ctx.setExitCode(await (await import('./audit-export-run.js')).runFilteredTail(opts, ctx)));
  const exporter = withExamples(audit.command('export'), ['aws-guard audit export --format ocsf --since 24h --output /var/tmp/aws-guard.ocsf.jsonl', 'aws-guard audit export --format jsonl --session ses_0f3a… --type command.executed'])
    .description('write the matching records as JSON Lines: as stored (jsonl) or as OCSF API Activity events (ocsf)')
    .option('--data-dir <dir>', DATA_DIR_HELP)
    .option('--redis <url>', REDIS_HELP)
    .option('--format <format>', 'jsonl or ocsf (docs/audit-export.md)')
    .option('--output <file>', 'write to FILE (mode 0600) instead of stdout');
  addFilterOptions(exporter)
    .action(async (opts: AuditExportOptions) => ctx.setExitCode(await (await import('./audit-export-run.js')).runAuditExport(opts, ctx)));
  withExamples(audit.command('pubkey'), ['aws-guard audit pubkey --data-dir /var/lib/aws-guard > audit.pub.pem'])
    .description('print the public key (PEM) that verifies the audit checkpoints, for verifiers elsewhere')
    .option('--data-dir <dir>', DATA_DIR_HELP)
    .action(async (opts: AuditPubkeyOptions) => ctx.setExitCode(await (await import('./audit-verify-run.js')).runAuditPubkey(opts, ctx)));
};
