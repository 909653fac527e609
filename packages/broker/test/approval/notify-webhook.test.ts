// The approval webhook posts a Slack-compatible message, retries with backoff, and never carries argv values.
import t from 'tap';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ApprovalRequest } from '@aws-guard/shared/approval/approval-request';
import { createWebhookNotifier } from '@aws-guard/broker/approval/notify-webhook';

const request: ApprovalRequest = {
  id: 'apr_1',
  commandHash: 'h',
  requestId: 'req_1',
  requester: { agent: 'claude-1', human: 'alice', sessionId: 's' },
  argv: ['secretsmanager', 'put-secret-value', '--secret-id', 'db', '--secret-string', 'hunter2-very-secret'],
  summary: { service: 'secretsmanager', operation: 'put-secret-value', apiOperation: 'PutSecretValue', iamActions: ['secretsmanager:PutSecretValue'], risk: 'write', region: null, targets: [] },
  rule: { id: 'approve-secrets', message: 'secrets need a second pair of eyes', policyHash: 'x' },
  files: [],
  requiredApprovers: 1,
  state: 'pending',
  approvals: [],
  createdAt: '2026-11-26T12:00:00.000Z',
  expiresAt: '2026-11-26T13:00:00.000Z',
};

t.test('retries until the webhook accepts, with growing delays, and sends no argv values', async (t) => {
  const bodies: string[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      bodies.push(body);
      res.writeHead(bodies.length < 3 ? 500 : 200).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.teardown(() => server.close());
  const delays: number[] = [];
  const notifier = createWebhookNotifier({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, baseDelayMs: 100, sleep: async (ms) => void delays.push(ms) });
  t.equal(await notifier.notify(request), true);
  t.equal(bodies.length, 3, 'three attempts');
  t.same(delays, [100, 200], 'exponential backoff');
  const payload = JSON.parse(bodies[0]!) as { text: string };
  t.match(payload.text, /secretsmanager put-secret-value/);
  t.match(payload.text, /aws-guard approve apr_1/);
  t.notMatch(bodies.join(''), /hunter2/, 'no argv values');
});

t.test('gives up after the last attempt and reports why', async (t) => {
  const failures: string[] = [];
  const notifier = createWebhookNotifier({
    url: 'http://127.0.0.1:9/hook',
    attempts: 3,
    sleep: async () => undefined,
    fetch: (async () => new Response('', { status: 503 })) as typeof fetch,
    onFailure: (m) => failures.push(m),
  });
  t.equal(await notifier.notify(request), false);
  t.match(failures, [/after 3 attempts for apr_1: HTTP 503/]);
});
