// /metrics on a real broker (docs/metrics.md): real commands through the shim against the emulator — allowed,
// failing, denied, held and denied by a human, a masked secret, a refused token — move the counters by exactly
// what happened, and no label ever holds the agent, the human, a session, a request or a secret.
// /healthz and /readyz still answer; metrics.listen moves /metrics off the broker's port; metrics can be off.
import t from 'tap';
import { spawn } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMoto } from '../helpers/moto.js';
import { startBroker } from '../helpers/broker.js';
import { agentEnv, awaitApproval, runAws, shimBinDir } from '../helpers/shim.js';
import { runAwsDirect } from '../helpers/real-aws.js';
import { runGuard } from '../helpers/guard-cli.js';
import { readAuditRecords } from '../helpers/audit.js';
import { parseMetricsText, sumOf, type Sample } from '../helpers/metrics-text.js';

const moto = await startMoto();
t.teardown(moto.stop);
const policy = join(await mkdtemp(join(tmpdir(), 'policy-')), 'policy.yaml');
await writeFile(policy, [
  'version: 1',
  'rules:',
  '  - { id: keep-users, effect: deny, actions: ["iam:DeleteUser"], message: users stay }',
  '  - { id: hold-bucket-deletes, effect: approve, actions: ["s3:DeleteBucket"], message: a human looks first }',
  '  - { id: allow-the-rest, effect: allow, actions: ["*"] }',
  '',
].join('\n'));
const broker = await startBroker({ endpointUrl: moto.url, args: ['--policy', policy] });
t.teardown(broker.stop);

// Names that must never show up in a label: each one distinctive enough to search for.
const AGENT = 'metrics-agent-q7v2';
const HUMAN = 'carol-metrics-k3';
const SECRET = 'hunter2-METRICS-NEVER-SHOWN-9d1c';
const env = await agentEnv(broker.url, await broker.token({ agent: AGENT, human: HUMAN }));
const approver = await broker.token({ agent: 'bob-laptop-m4', human: 'bob-m4', role: 'approver' });
const http = broker.url.replace(/^ws:/, 'http:');

const scrape = async (base = http): Promise<{ samples: Sample[]; type: string | null }> => {
  const res = await fetch(`${base}/metrics`);
  if (res.status !== 200) throw new Error(`/metrics answered ${res.status}`);
  return { samples: parseMetricsText(await res.text()), type: res.headers.get('content-type') };
};
/** The counter's change between two scrapes, over the series whose labels include `match`. */
const moved = (before: Sample[], after: Sample[], name: string, match: Record<string, string> = {}) => sumOf(after, name, match) - sumOf(before, name, match);

/** Starts a command the policy holds and resolves once the shim says which approval it waits for. */
const startHeld = async (argv: string[]) => {
  const child = spawn(join(await shimBinDir(), 'aws'), argv, { env, stdio: ['ignore', 'ignore', 'pipe'] });
  const { approvalId, exit } = await awaitApproval(child);
  return { approvalId, exit };
};

t.test('/healthz and /readyz still answer beside /metrics', async (t) => {
  t.same(await (await fetch(`${http}/healthz`)).json(), { status: 'ok' });
  const ready = await fetch(`${http}/readyz`);
  t.equal(ready.status, 200);
  t.match(await ready.json(), { status: 'ready', checks: { store: 'embedded' } });
});

t.test('real commands move the counters by exactly what happened, and no label names who or what', async (t) => {
  t.equal((await runAwsDirect(['secretsmanager', 'create-secret', '--name', 'metrics-s1', '--secret-string', SECRET], moto.url)).code, 0);
  const base = await scrape();
  t.equal(base.type, 'text/plain; version=0.0.4; charset=utf-8', "prom-client's content type");
  const auditBefore = (await readAuditRecords(broker.dataDir)).length;

  for (let i = 0; i < 2; i++) t.equal((await runAws(['sts', 'get-caller-identity'], { env })).code, 0, 'allowed read');
  const missing = await runAws(['s3api', 'head-bucket', '--bucket', 'no-such-bucket-m'], { env });
  t.not(missing.code, 0, 'allowed, and the CLI fails');
  const denied = await runAws(['iam', 'delete-user', '--user-name', 'someone'], { env });
  t.match(denied.stderr, /AccessDenied.*users stay/, 'denied by the policy');
  const secret = await runAws(['secretsmanager', 'get-secret-value', '--secret-id', 'metrics-s1'], { env });
  t.equal(secret.code, 0);
  t.notOk(secret.stdout.toString().includes(SECRET), 'the secret came back masked');
  const held = await startHeld(['s3api', 'delete-bucket', '--bucket', 'held-m']);
  t.equal((await scrape()).samples.find((s) => s.name === 'aws_guard_approval_waits_active')?.value, 1, 'one command waits for a human');
  const deny = await runGuard(['deny', held.approvalId, '--reason', 'not today', '--broker', broker.url, '--token', approver]);
  t.equal(deny.code, 0, deny.stderr);
  t.equal(await held.exit, 255, 'the held command was denied');
  const refusedToken = await runAws(['sts', 'get-caller-identity'], { env: { ...env, AWS_GUARD_TOKEN: 'not-a-jwt' } });
  t.equal(refusedToken.code, 255, 'a malformed token is refused');

  const after = await scrape();
  const a = after.samples;
  const b = base.samples;
  const commands = (match: Record<string, string>) => moved(b, a, 'aws_guard_commands_total', match);
  t.equal(commands({}), 6, 'six commands ended');
  t.equal(commands({ decision: 'allow', risk: 'read', outcome: 'ok' }), 2, 'the two reads');
  t.equal(commands({ decision: 'allow', risk: 'read', outcome: 'error' }), 1, 'the failing head-bucket');
  t.equal(commands({ decision: 'deny', outcome: 'refused' }), 1, 'the denied delete-user');
  t.equal(commands({ decision: 'allow', risk: 'secret_read', outcome: 'ok' }), 1, 'the secret read');
  t.equal(commands({ decision: 'approve', risk: 'destructive', outcome: 'refused' }), 1, 'the held and denied delete-bucket');

  t.equal(moved(b, a, 'aws_guard_command_execution_seconds_count'), 4, 'four CLI runs timed');
  t.equal(moved(b, a, 'aws_guard_command_execution_seconds_count', { outcome: 'ok' }), 3);
  t.equal(moved(b, a, 'aws_guard_command_execution_seconds_count', { outcome: 'error' }), 1);
  t.ok(moved(b, a, 'aws_guard_command_execution_seconds_sum') > 0, 'and took time');
  t.equal(moved(b, a, 'aws_guard_exec_queue_wait_seconds_count'), 4, 'each got a slot');
  t.equal(moved(b, a, 'aws_guard_approval_wait_seconds_count', { outcome: 'denied' }), 1, 'one approval wait, ended by a denial');
  t.equal(moved(b, a, 'aws_guard_approval_wait_seconds_count'), 1);
  t.equal(sumOf(a, 'aws_guard_approval_waits_active'), 0, 'nobody waits any more');
  t.equal(moved(b, a, 'aws_guard_masked_values_total', { kind: 'document' }), 1, 'SecretString masked by its place in the model');
  // The emulator puts an access key id into get-caller-identity's UserId: the detector masks it (docs/masking.md).
  t.equal(moved(b, a, 'aws_guard_masked_values_total', { kind: 'AccessKeyId' }), 2, 'the key id in each get-caller-identity');
  const window = (await readAuditRecords(broker.dataDir)).slice(auditBefore);
  const maskedInAudit = window.filter((r) => r.type === 'command.executed').reduce((n, r) => n + Object.values((r.data['masked'] ?? {}) as Record<string, number>).reduce((x, y) => x + y, 0), 0);
  t.equal(moved(b, a, 'aws_guard_masked_values_total'), maskedInAudit, `as many as the audit counts (${maskedInAudit})`);
  t.equal(moved(b, a, 'aws_guard_token_rejections_total', { channel: 'agent', reason: 'malformed' }), 1);
  t.equal(moved(b, a, 'aws_guard_token_rejections_total'), 1);
  t.same([sumOf(a, 'aws_guard_exec_slots', { state: 'running' }), sumOf(a, 'aws_guard_exec_slots', { state: 'queued' }), sumOf(a, 'aws_guard_exec_slots', { state: 'max' })], [0, 0, 8]);

  // Every record this broker appended since the first scrape was timed (checkpoints are not appends).
  const appended = window.filter((r) => r.type !== 'audit.checkpoint').length;
  t.ok(appended >= 6 * 2, `the commands were audited (${appended} records)`);
  t.equal(moved(b, a, 'aws_guard_audit_append_seconds_count', { store: 'embedded', result: 'ok' }), appended, 'one observation per audit record');
  t.equal(moved(b, a, 'aws_guard_audit_append_seconds_count', { result: 'error' }), 0);

  t.match(a.find((s) => s.name === 'aws_guard_broker_info'), { labels: { executor: /^(warm|spawn)$/, isolation: /^(bwrap|none)$/, store: 'embedded' }, value: 1 });
  for (const name of ['process_resident_memory_bytes', 'nodejs_eventloop_lag_seconds']) t.ok(a.some((s) => s.name === name), `${name} is there`);

  const audit = await readAuditRecords(broker.dataDir);
  const forbidden = [AGENT, HUMAN, SECRET, 'bob-m4', 'bob-laptop-m4', 'metrics-s1', 'no-such-bucket-m', 'held-m', 'someone', 'not-a-jwt',
    ...new Set(audit.flatMap((r) => [r.requestId, (r as { sessionId?: string }).sessionId]).filter((v): v is string => v !== undefined))];
  const values = a.flatMap((s) => Object.values(s.labels));
  t.same(forbidden.filter((f) => values.some((v) => v.includes(f))), [], 'no label value holds an agent, a human, a session, a request, an argument or a secret');
});

t.test('connections and agent sessions go back to zero once the shims are gone', async (t) => {
  let s: Sample[] = [];
  for (let i = 0; i < 50; i++) {
    s = (await scrape()).samples;
    if (sumOf(s, 'aws_guard_connections_active') === 0 && sumOf(s, 'aws_guard_agent_sessions_active') === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  t.same([sumOf(s, 'aws_guard_connections_active', { channel: 'agent' }), sumOf(s, 'aws_guard_connections_active', { channel: 'approver' }), sumOf(s, 'aws_guard_agent_sessions_active')], [0, 0, 0]);
});

t.test('metrics.listen serves /metrics on its own port only; AWS_GUARD_METRICS=false serves none', async (t) => {
  const apart = await startBroker({ endpointUrl: moto.url, env: { AWS_GUARD_METRICS_LISTEN: '127.0.0.1:0' } });
  t.teardown(apart.stop);
  const url = /aws-guard: metrics: (http:\/\/\S+)\/metrics/.exec(apart.stderr())?.[1];
  t.ok(url, `the broker says where (${apart.stderr()})`);
  const own = apart.url.replace(/^ws:/, 'http:');
  t.equal((await fetch(`${own}/metrics`)).status, 404, 'not on the broker port');
  t.equal((await fetch(`${own}/healthz`)).status, 200);
  const { samples, type } = await scrape(url!);
  t.equal(type, 'text/plain; version=0.0.4; charset=utf-8');
  t.ok(samples.some((s) => s.name === 'aws_guard_broker_info'));
  t.equal((await fetch(`${url}/healthz`)).status, 404, 'the metrics port serves nothing else');
  await apart.stop();

  const off = await startBroker({ endpointUrl: moto.url, env: { AWS_GUARD_METRICS: 'false' } });
  t.teardown(off.stop);
  const offHttp = off.url.replace(/^ws:/, 'http:');
  t.equal((await fetch(`${offHttp}/metrics`)).status, 404);
  t.equal((await fetch(`${offHttp}/readyz`)).status, 200);
  t.equal((await runAws(['sts', 'get-caller-identity'], { env: await agentEnv(off.url, await off.token()) })).code, 0, 'commands run without metrics');
});
