// Which broker and token the approver commands use: --broker/--token, else AWS_GUARD_URL/AWS_GUARD_TOKEN,
// else what `aws-guard login` stored. Then one connection to the approver channel.
import { UserFacingError } from '@aws-guard/shared/errors';
import { approverUrl, connectApprover, type ApproverConnection } from '../client/approver-connection.js';
import { readLogin } from '../login/login-store.js';
import type { CommandContext } from './command-context.js';

export type AccessOptions = Readonly<{ broker?: string; token?: string }>;

export const openApproverConnection = async (opts: AccessOptions, ctx: CommandContext): Promise<ApproverConnection> => {
  const stored = opts.broker !== undefined && opts.token !== undefined ? undefined : await readLogin(ctx.env);
  const broker = opts.broker ?? ctx.env['AWS_GUARD_URL'] ?? stored?.broker;
  const token = opts.token ?? ctx.env['AWS_GUARD_TOKEN'] ?? stored?.token;
  if (broker === undefined || token === undefined)
    throw new UserFacingError('APPROVER_CONFIG', 'no broker or token: pass --broker URL --token T, set AWS_GUARD_URL and AWS_GUARD_TOKEN, or run `aws-guard login`', 2);
  const url = approverUrl(broker);
  if (!url.ok) throw new UserFacingError(url.issue.code, url.issue.message, 2);
  const connected = await connectApprover({ url: url.value, token, clientVersion: ctx.version });
  if (!connected.ok) throw new UserFacingError(connected.issue.code, connected.issue.message, 1);
  return connected.value;
};
