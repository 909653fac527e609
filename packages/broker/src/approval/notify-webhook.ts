// Tells humans that a request waits: one Slack-compatible JSON POST per new request, retried with
// exponential backoff. The message names the command, who asks and why; never argv values or file contents,
// which may hold secrets.
import type { ApprovalRequest } from '@aws-guard/shared/approval/approval-request';

export type WebhookNotifier = Readonly<{ notify: (request: ApprovalRequest) => Promise<boolean> }>;

export type WebhookOptions = Readonly<{
  url: string;
  attempts?: number;
  baseDelayMs?: number;
  timeoutMs?: number;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  onFailure?: (message: string) => void;
}>;

export const webhookPayload = (r: ApprovalRequest): { text: string } => ({
  text: [
    `:lock: aws-guard: approval needed for \`${r.summary.service} ${r.summary.operation}\` (${r.summary.risk})`,
    `requested by ${r.requester.agent} for ${r.requester.human}; rule ${r.rule.id}${r.rule.message === undefined ? '' : `: ${r.rule.message}`}`,
    `${r.requiredApprovers} approver(s) needed before ${r.expiresAt}: \`aws-guard approve ${r.id}\``,
  ].join('\n'),
});

export const createWebhookNotifier = (opts: WebhookOptions): WebhookNotifier => {
  const attempts = opts.attempts ?? 5;
  const base = opts.baseDelayMs ?? 500;
  const post = opts.fetch ?? fetch;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref()));
  return Object.freeze({
    notify: async (request: ApprovalRequest) => {
      let last = '';
      for (let attempt = 1; attempt <= attempts; attempt++) {
        try {
          const res = await post(opts.url, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(webhookPayload(request)),
            signal: AbortSignal.timeout(opts.timeoutMs ?? 5000),
          });
          if (res.ok) return true;
          last = `HTTP ${res.status}`;
        } catch (e) {
          last = (e as Error).message;
        }
        if (attempt < attempts) await sleep(base * 2 ** (attempt - 1));
      }
      opts.onFailure?.(`approval webhook failed after ${attempts} attempts for ${request.id}: ${last}`);
      return false;
    },
  });
};
