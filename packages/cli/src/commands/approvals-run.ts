// The plain approver commands: `pending`, `approve ID`, `deny ID --reason`, and `approve` with no ID, which
// opens the terminal UI when there is a TTY. Loaded only when one of them runs.
import type { ApprovalRequest } from '@aws-guard/shared/approval/approval-request';
import { isUserFacingError, UserFacingError } from '@aws-guard/shared/errors';
import { escapeTerminalText } from '../tui/escape-terminal-text.js';
import { openApproverConnection, type AccessOptions } from './approver-access.js';
import type { CommandContext } from './command-context.js';

const firstSnapshot = (conn: Awaited<ReturnType<typeof openApproverConnection>>): Promise<readonly ApprovalRequest[]> =>
  new Promise((resolve, reject) => {
    const stop = conn.subscribe(
      (requests) => {
        stop();
        resolve(requests);
      },
      (message) => reject(new UserFacingError('BROKER_ERROR', message, 1)),
    );
  });

const line = (r: ApprovalRequest, now: Date): string => {
  const left = Math.max(0, Math.round((new Date(r.expiresAt).getTime() - now.getTime()) / 60_000));
  const who = `${r.requester.agent} for ${r.requester.human}`;
  return [r.id, r.summary.risk, `${r.summary.service} ${r.summary.operation}`, who, `${r.approvals.length}/${r.requiredApprovers}`, `${left}m left`, escapeTerminalText(r.argv.join(' '))].join('  ');
};

export const runPending = async (opts: AccessOptions & { json?: boolean }, ctx: CommandContext): Promise<void> => {
  const conn = await openApproverConnection(opts, ctx);
  try {
    const requests = await firstSnapshot(conn);
    if (opts.json) ctx.stdout.write(`${JSON.stringify(requests)}\n`);
    else if (requests.length === 0) ctx.stdout.write('no pending requests\n');
    else for (const r of requests) ctx.stdout.write(`${line(r, new Date())}\n`);
  } finally {
    conn.close();
  }
};

export const runDecide = async (decision: 'approve' | 'deny', id: string, opts: AccessOptions & { reason?: string }, ctx: CommandContext): Promise<void> => {
  if (decision === 'deny' && (opts.reason === undefined || opts.reason.trim() === ''))
    throw new UserFacingError('USAGE', 'deny needs --reason: the agent and the audit log are told why', 2);
  const conn = await openApproverConnection(opts, ctx);
  try {
    const result = decision === 'approve' ? await conn.approve(id, opts.reason) : await conn.deny(id, opts.reason ?? '');
    if (!result.ok) throw new UserFacingError('DECISION_REFUSED', `${decision} ${id}: ${result.message}`, 1);
    ctx.stdout.write(`${decision === 'approve' ? 'approved' : 'denied'} ${id}\n`);
  } finally {
    conn.close();
  }
};

export const runApproveUi = async (opts: AccessOptions, ctx: CommandContext): Promise<number> => {
  // Checked before connecting: runApproveTui checks again (stdout too) and says what to use instead.
  if (!process.stdin.isTTY || !process.stdout.isTTY)
    throw new UserFacingError('NO_TTY', 'the approval UI needs a terminal: use `aws-guard pending`, `aws-guard approve ID`, `aws-guard deny ID --reason …`', 2);
  const conn = await openApproverConnection(opts, ctx);
  try {
    const { runApproveTui } = await import('../tui/run-approve-tui.js');
    return await runApproveTui(conn, { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr });
  } finally {
    conn.close();
  }
};

/** Stores the login only once the broker accepted it: a typo found now, not at the first `approve`. */
export const runLogin = async (opts: { broker: string; token: string }, ctx: CommandContext): Promise<void> => {
  const conn = await openApproverConnection(opts, ctx).catch((e: unknown) => {
    throw isUserFacingError(e) ? new UserFacingError(e.code, `nothing stored: ${e.message}`, e.exitCode) : e;
  });
  conn.close();
  const { saveLogin } = await import('../login/login-store.js');
  const place = await saveLogin(opts, ctx.env);
  ctx.stdout.write(place.kind === 'keychain' ? 'stored in the OS keychain\n' : `stored in ${place.path} (mode 0600): no OS keychain available (${place.why})\n`);
};
