// `aws-guard token issue`: mints a broker token with the key in the data dir. The token alone goes to
// stdout (for `export AWS_GUARD_TOKEN=$(…)`); details go to stderr or, with --json, to stdout.
import { Option } from 'commander';
import { parseDuration } from '@aws-guard/shared/duration';
import { UserFacingError } from '@aws-guard/shared/errors';
import { issueToken } from '@aws-guard/broker/auth/issue-token';
import { loadOrCreateTokenKeys } from '@aws-guard/broker/auth/token-keys';
import { ROLES, type Role } from '@aws-guard/broker/auth/identity';
import type { CommandContext, RegisterCommand } from './command-context.js';
import { resolve } from 'node:path';

export type TokenIssueOptions = Readonly<{ dataDir: string; agent: string; for: string; role: Role; ttl: string; session?: string; json?: boolean }>;

const NAME = /^[A-Za-z0-9@._:+-]{1,128}$/;

export const runTokenIssue = async (opts: TokenIssueOptions, ctx: CommandContext): Promise<void> => {
  const ttl = parseDuration(opts.ttl);
  if (!ttl.ok) throw new UserFacingError('USAGE', `--ttl: ${ttl.issue.message}`, 2);
  for (const [flag, value] of [['--agent', opts.agent], ['--for', opts.for]] as const)
    if (!NAME.test(value)) throw new UserFacingError('USAGE', `${flag} must be 1-128 letters, digits or @._:+- (got "${value}")`, 2);
  const keys = await loadOrCreateTokenKeys(resolve(opts.dataDir));
  const issued = await issueToken(keys, {
    agent: opts.agent,
    human: opts.for,
    role: opts.role,
    ttlMs: ttl.value,
    ...(opts.session === undefined ? {} : { sessionId: opts.session }),
  });
  if (opts.json) {
    ctx.stdout.write(`${JSON.stringify({ token: issued.token, agent: opts.agent, human: opts.for, role: opts.role, sessionId: issued.sessionId, expiresAt: issued.expiresAt.toISOString() })}\n`);
    return;
  }
  ctx.stdout.write(`${issued.token}\n`);
  ctx.stderr.write(`aws-guard: ${opts.role} token for ${opts.agent} acting for ${opts.for}, session ${issued.sessionId}, expires ${issued.expiresAt.toISOString()}\n`);
};

export const registerToken: RegisterCommand = (program, ctx) => {
  const token = program.command('token').description('broker tokens for agents, approvers and admins');
  token
    .command('issue')
    .description('mint a signed token (JWT) with the signing key in the data dir')
    .requiredOption('--agent <name>', 'the agent the token identifies (its `sub`)')
    .requiredOption('--for <human>', 'the human the agent acts for')
    .addOption(new Option('--role <role>', 'what the token may do').choices(ROLES).default('agent'))
    .option('--ttl <duration>', 'lifetime, e.g. 30m, 8h, 2d', '8h')
    .option('--session <id>', 'agent session id (default: a fresh one)')
    .option('--data-dir <dir>', 'the broker data dir holding the signing key', ctx.env['AWS_GUARD_DATA_DIR'] ?? '.aws-guard')
    .option('--json', 'print the token and its claims as JSON')
    .action((opts: TokenIssueOptions) => runTokenIssue(opts, ctx));
};
