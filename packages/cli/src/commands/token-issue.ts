// `aws-guard token issue`, the work: mints a broker token with the key in the data dir. The token alone goes
// to stdout (for `export AWS_GUARD_TOKEN=$(…)`); details go to stderr or, with --json, to stdout.
import { formatDuration, parseDuration } from '@aws-guard/shared/duration';
import { UserFacingError } from '@aws-guard/shared/errors';
import { issueToken } from '@aws-guard/broker/auth/issue-token';
import { loadOrCreateTokenKeys } from '@aws-guard/broker/auth/token-keys';
import type { Role } from '@aws-guard/broker/auth/identity';
import { checkTokenGroups } from '@aws-guard/broker/auth/token-groups';
import { DEFAULT_MAX_TOKEN_LIFETIME_MS } from '@aws-guard/broker/auth/token-lifetime';
import { parseLifetimeLimit } from '@aws-guard/broker/config/token-lifetime-rules';
import type { CommandContext } from './command-context.js';
import { resolve } from 'node:path';
import { stat } from 'node:fs/promises';

export type TokenIssueOptions = Readonly<{ dataDir: string; agent: string; for: string; role: Role; ttl: string; session?: string; group?: readonly string[]; json?: boolean }>;

const NAME = /^[A-Za-z0-9@._:+-]{1,128}$/;

const LIMIT_ENV = 'AWS_GUARD_MAX_TOKEN_LIFETIME';

/**
 * The longest --ttl minted: the broker's limit as this shell knows it (the env variable the broker reads too),
 * else the built-in default. The CLI does not read the broker's config file; a broker whose limit is lower
 * still refuses the token (`aws-guard doctor --token` shows it before use).
 */
const ttlLimitMs = (env: CommandContext['env']): number => {
  const raw = env[LIMIT_ENV];
  if (raw === undefined || raw === '') return DEFAULT_MAX_TOKEN_LIFETIME_MS;
  const problems: string[] = [];
  const ms = parseLifetimeLimit(raw, LIMIT_ENV, problems);
  if (ms === undefined) throw new UserFacingError('USAGE', problems[0] ?? `${LIMIT_ENV}: invalid`, 2);
  return ms;
};

export const runTokenIssue = async (opts: TokenIssueOptions, ctx: CommandContext): Promise<void> => {
  const ttl = parseDuration(opts.ttl);
  if (!ttl.ok) throw new UserFacingError('USAGE', `--ttl: ${ttl.issue.message}`, 2);
  const limitMs = ttlLimitMs(ctx.env);
  // A token the broker would refuse (or a standing credential) is not minted: refused here, where the typo is.
  if (ttl.value > limitMs)
    throw new UserFacingError(
      'USAGE',
      `--ttl ${opts.ttl} is longer than the ${formatDuration(limitMs)} a broker token may live; a broker configured with a longer auth.maxTokenLifetime (at most 365d) accepts more: set ${LIMIT_ENV} to that value here too`,
      2,
    );
  for (const [flag, value] of [['--agent', opts.agent], ['--for', opts.for]] as const)
    if (!NAME.test(value)) throw new UserFacingError('USAGE', `${flag} must be 1-128 letters, digits or @._:+- (got "${value}")`, 2);
  const groups = checkTokenGroups(opts.group ?? []);
  if (!groups.ok) throw new UserFacingError('USAGE', `--group: ${groups.issue.message}`, 2);
  const dataDir = resolve(opts.dataDir);
  // A mistyped --data-dir must not mint with a fresh key no broker knows (the agent would be refused later, far
  // from the typo): the dir must exist; the key in it is created on first use, as the broker would.
  const missing = await stat(dataDir).then(() => false, (e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? true : Promise.reject(e)));
  if (missing)
    throw new UserFacingError('TOKEN_NO_DATA_DIR', `no data dir at ${dataDir}: pass the broker's --data-dir (env AWS_GUARD_DATA_DIR), or create it (mkdir -m 700) for a new broker`, 1);
  const keys = await loadOrCreateTokenKeys(dataDir);
  const issued = await issueToken(keys, {
    agent: opts.agent,
    human: opts.for,
    role: opts.role,
    ttlMs: ttl.value,
    groups: groups.value,
    ...(opts.session === undefined ? {} : { sessionId: opts.session }),
  });
  if (opts.json) {
    ctx.stdout.write(`${JSON.stringify({ token: issued.token, agent: opts.agent, human: opts.for, role: opts.role, groups: [...groups.value], sessionId: issued.sessionId, expiresAt: issued.expiresAt.toISOString() })}\n`);
    return;
  }
  ctx.stdout.write(`${issued.token}\n`);
  const inGroups = groups.value.length === 0 ? '' : ` in groups ${groups.value.join(', ')}`;
  ctx.stderr.write(`aws-guard: ${opts.role} token for ${opts.agent} acting for ${opts.for}${inGroups}, session ${issued.sessionId}, expires ${issued.expiresAt.toISOString()}\n`);
};
