// `aws-guard token issue`: the options; minting is in token-issue.ts, loaded only when it runs.
import { Option } from 'commander';
import { withExamples } from './help-examples.js';
import type { RegisterCommand } from './command-context.js';
import type { TokenIssueOptions } from './token-issue.js';

/** The roles a token can carry (packages/broker/src/auth/identity.ts ROLES must match; a test checks). */
export const TOKEN_ROLES = ['agent', 'approver', 'admin'] as const;

const collect = (value: string, previous: readonly string[]): readonly string[] => [...previous, value];

export const registerToken: RegisterCommand = (program, ctx) => {
  const token = program.command('token').description('broker tokens for agents, approvers and admins');
  withExamples(token.command('issue'), [
    'aws-guard token issue --data-dir /var/lib/aws-guard --agent claude-1 --for alice --ttl 8h',
    'export AWS_GUARD_TOKEN=$(aws-guard token issue --agent ci-bot --for alice --group team-a)',
    'aws-guard token issue --role approver --agent bob-laptop --for bob',
  ])
    .description('mint a signed token (JWT) with the signing key in the data dir')
    .requiredOption('--agent <name>', 'the agent the token identifies (its `sub`)')
    .requiredOption('--for <human>', 'the human the agent acts for')
    .addOption(new Option('--role <role>', 'what the token may do').choices(TOKEN_ROLES).default('agent'))
    .option('--ttl <duration>', 'lifetime, e.g. 30m, 8h, 2d (at most 30d, or AWS_GUARD_MAX_TOKEN_LIFETIME)', '8h')
    .option('--group <name>', 'a group the token names, for policy rules, role mappings and approver groups (repeatable)', collect, [] as readonly string[])
    .option('--session <id>', 'agent session id (default: a fresh one)')
    .option('--data-dir <dir>', 'the broker data dir holding the signing key', ctx.env['AWS_GUARD_DATA_DIR'] ?? '.aws-guard')
    .option('--json', 'print the token and its claims as JSON')
    .action(async (opts: TokenIssueOptions) => (await import('./token-issue.js')).runTokenIssue(opts, ctx));
};
