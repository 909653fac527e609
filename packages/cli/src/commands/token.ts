// `aws-guard token issue`: the options; minting is in token-issue.ts, loaded only when it runs.
import { Option } from 'commander';
import type { RegisterCommand } from './command-context.js';
import type { TokenIssueOptions } from './token-issue.js';

/** The roles a token can carry (packages/broker/src/auth/identity.ts ROLES must match; a test checks). */
export const TOKEN_ROLES = ['agent', 'approver', 'admin'] as const;

const collect = (value: string, previous: readonly string[]): readonly string[] => [...previous, value];

export const registerToken: RegisterCommand = (program, ctx) => {
  const token = program.command('token').description('broker tokens for agents, approvers and admins');
  token
    .command('issue')
    .description('mint a signed token (JWT) with the signing key in the data dir')
    .requiredOption('--agent <name>', 'the agent the token identifies (its `sub`)')
    .requiredOption('--for <human>', 'the human the agent acts for')
    .addOption(new Option('--role <role>', 'what the token may do').choices(TOKEN_ROLES).default('agent'))
    .option('--ttl <duration>', 'lifetime, e.g. 30m, 8h, 2d', '8h')
    .option('--group <name>', 'a group the token names, for policy rules, role mappings and approver groups (repeatable)', collect, [] as readonly string[])
    .option('--session <id>', 'agent session id (default: a fresh one)')
    .option('--data-dir <dir>', 'the broker data dir holding the signing key', ctx.env['AWS_GUARD_DATA_DIR'] ?? '.aws-guard')
    .option('--json', 'print the token and its claims as JSON')
    .action(async (opts: TokenIssueOptions) => (await import('./token-issue.js')).runTokenIssue(opts, ctx));
};
