// `aws-guard pending | approve [ID] | deny ID | login`: the approver's commands. Options only here; the
// work is in approvals-run.ts, loaded when a command runs.
import type { Command } from 'commander';
import { withExamples } from './help-examples.js';
import type { RegisterCommand } from './command-context.js';

const withAccess = (c: Command): Command =>
  c.option('--broker <url>', 'the broker (else AWS_GUARD_URL, else `aws-guard login`)').option('--token <token>', 'an approver token (else AWS_GUARD_TOKEN, else `aws-guard login`)');

export const registerApprovals: RegisterCommand = (program, ctx) => {
  const run = () => import('./approvals-run.js');
  withAccess(withExamples(program.command('pending'), ['aws-guard pending', 'aws-guard pending --json --broker wss://guard.example.com --token "$APPROVER_TOKEN"']).description('list the requests waiting for approval'))
    .option('--json', 'print them as one JSON array')
    .action(async (opts) => (await run()).runPending(opts, ctx));
  withAccess(withExamples(program.command('approve'), ['aws-guard approve                      # the terminal UI', 'aws-guard approve apr_7Qx… --reason "planned cleanup"']).description('approve a request by id, or with no id open the approval terminal UI'))
    .argument('[id]', 'the approval id (apr_…)')
    .option('--reason <text>', 'why (recorded in the audit log)')
    .action(async (id: string | undefined, opts) => {
      const r = await run();
      if (id === undefined) ctx.setExitCode(await r.runApproveUi(opts, ctx));
      else await r.runDecide('approve', id, opts, ctx);
    });
  withAccess(withExamples(program.command('deny'), ['aws-guard deny apr_7Qx… --reason "use the staging bucket"']).description('deny a request; the agent sees the reason'))
    .argument('<id>', 'the approval id (apr_…)')
    .requiredOption('--reason <text>', 'why (shown to the agent, recorded in the audit log)')
    .action(async (id: string, opts) => (await run()).runDecide('deny', id, opts, ctx));
  withExamples(program.command('login'), ['aws-guard login --broker wss://guard.example.com --token "$(cat approver.jwt)"'])
    .description("store an approver's broker URL and token in the OS keychain (or a 0600 file where there is none)")
    .requiredOption('--broker <url>', 'the broker URL')
    .requiredOption('--token <token>', 'an approver token from `aws-guard token issue --role approver`')
    .action(async (opts: { broker: string; token: string }) => (await run()).runLogin(opts, ctx));
};
