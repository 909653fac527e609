// `aws-guard pending | approve [ID] | deny ID | login`: the approver's commands. Options only here; the
// work is in approvals-run.ts and login-run.ts, loaded when a command runs.
import type { Command } from 'commander';
import type { RegisterCommand } from './command-context.js';

const withAccess = (c: Command): Command =>
  c.option('--broker <url>', 'the broker (else AWS_GUARD_URL, else `aws-guard login`)').option('--token <token>', 'an approver token (else AWS_GUARD_TOKEN, else `aws-guard login`)');

export const registerApprovals: RegisterCommand = (program, ctx) => {
  const run = () => import('./approvals-run.js');
  withAccess(program.command('pending').description('list the requests waiting for approval'))
    .option('--json', 'print them as one JSON array')
    .action(async (opts) => (await run()).runPending(opts, ctx));
  withAccess(program.command('approve').description('approve a request by id, or with no id open the approval terminal UI'))
    .argument('[id]', 'the approval id (apr_…)')
    .option('--reason <text>', 'why (recorded in the audit log)')
    .action(async (id: string | undefined, opts) => {
      const r = await run();
      if (id === undefined) ctx.setExitCode(await r.runApproveUi(opts, ctx));
      else await r.runDecide('approve', id, opts, ctx);
    });
  withAccess(program.command('deny').description('deny a request; the agent sees the reason'))
    .argument('<id>', 'the approval id (apr_…)')
    .requiredOption('--reason <text>', 'why (shown to the agent, recorded in the audit log)')
    .action(async (id: string, opts) => (await run()).runDecide('deny', id, opts, ctx));
  program
    .command('login')
    .description("store an approver's broker URL and token in the OS keychain (or a 0600 file where there is none)")
    .requiredOption('--broker <url>', 'the broker URL')
    .requiredOption('--token <token>', 'an approver token from `aws-guard token issue --role approver`')
    .action(async (opts: { broker: string; token: string }) => {
      const { saveLogin } = await import('../login/login-store.js');
      const place = await saveLogin(opts, ctx.env);
      ctx.stdout.write(place.kind === 'keychain' ? 'stored in the OS keychain\n' : `stored in ${place.path} (mode 0600): no OS keychain available (${place.why})\n`);
    });
};
