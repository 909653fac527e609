import t from 'tap';
import { register as globalRegister } from 'prom-client';
import { createBrokerMetrics, type BrokerMetricsOptions } from '@aws-guard/broker/metrics/broker-metrics';
import { parseMetricsText, sumOf, type Sample } from '../../../../test/helpers/metrics-text.js';

const INFO = { version: '9.9.9', executor: 'warm', isolation: 'bwrap', store: 'embedded' } as const;

const make = (over: Partial<BrokerMetricsOptions> = {}) => {
  const slots = { running: 0, queued: 0 };
  let clock = 1_000;
  const metrics = createBrokerMetrics({ slots: () => slots, maxConcurrent: 4, info: INFO, processMetrics: false, now: () => clock, ...over });
  const scrape = async (): Promise<Sample[]> => parseMetricsText(await metrics.exposition.render());
  return { metrics, rec: metrics.recorder, slots, scrape, advance: (ms: number) => (clock += ms) };
};

t.test('commands count by decision, risk and outcome, one series per combination', async (t) => {
  const { rec, scrape } = make();
  const ended = [
    { decision: 'allow', risk: 'read', outcome: 'ok' },
    { decision: 'allow', risk: 'read', outcome: 'ok' },
    { decision: 'allow', risk: 'write', outcome: 'error' },
    { decision: 'deny', risk: 'destructive', outcome: 'refused' },
    { decision: 'approve', risk: 'privilege', outcome: 'refused' },
    { decision: 'none', risk: 'unknown', outcome: 'refused' },
  ] as const;
  for (const labels of ended) rec.commandEnded(labels);
  const s = await scrape();
  t.equal(sumOf(s, 'aws_guard_commands_total'), 6);
  t.equal(sumOf(s, 'aws_guard_commands_total', { decision: 'allow', risk: 'read', outcome: 'ok' }), 2);
  t.equal(sumOf(s, 'aws_guard_commands_total', { outcome: 'refused' }), 3);
  t.equal(sumOf(s, 'aws_guard_commands_total', { decision: 'deny' }), 1);
});

t.test('a label value outside its allowlist becomes "other", whatever a caller passes', async (t) => {
  const { rec, scrape } = make();
  // What a wiring mistake could pass: an agent's name, an ARN, a secret.
  rec.commandEnded({ decision: 'claude-1' as never, risk: 'arn:aws:iam::123456789012:role/x' as never, outcome: 'AKIAIOSFODNN7EXAMPLE' as never });
  rec.executed('wJalrXUtnFEMI/K7MDENG' as never, 1);
  rec.tokenRejected('agent', 'eyJhbGciOi.forged');
  rec.tokenRejected('admin' as never, 'expired');
  const s = await scrape();
  t.equal(sumOf(s, 'aws_guard_commands_total', { decision: 'other', risk: 'other', outcome: 'other' }), 1);
  t.equal(sumOf(s, 'aws_guard_command_execution_seconds_count', { outcome: 'other' }), 1);
  t.equal(sumOf(s, 'aws_guard_token_rejections_total', { channel: 'agent', reason: 'other' }), 1);
  t.equal(sumOf(s, 'aws_guard_token_rejections_total', { channel: 'other', reason: 'expired' }), 1);
  const values = s.flatMap((x) => Object.values(x.labels));
  for (const leaked of ['claude-1', 'arn:', 'AKIA', 'wJalr', 'eyJ']) t.notOk(values.some((v) => v.includes(leaked)), `no label holds ${leaked}`);
});

t.test('execution time lands in its bucket, by outcome', async (t) => {
  const { rec, scrape } = make();
  rec.executed('ok', 0.3);
  rec.executed('ok', 0.07);
  rec.executed('timeout', 900);
  const s = await scrape();
  t.equal(sumOf(s, 'aws_guard_command_execution_seconds_count', { outcome: 'ok' }), 2);
  t.equal(sumOf(s, 'aws_guard_command_execution_seconds_bucket', { outcome: 'ok', le: '0.1' }), 1, 'the 70 ms run is under 0.1 s');
  t.equal(sumOf(s, 'aws_guard_command_execution_seconds_bucket', { outcome: 'ok', le: '0.5' }), 2);
  t.equal(sumOf(s, 'aws_guard_command_execution_seconds_sum', { outcome: 'ok' }), 0.37);
  t.equal(sumOf(s, 'aws_guard_command_execution_seconds_bucket', { outcome: 'timeout', le: '900' }), 1);
});

t.test('an approval wait is timed by the injected clock and counted as waiting until it ends, once', async (t) => {
  const { rec, scrape, advance } = make();
  const first = rec.approvalHeld();
  const second = rec.approvalHeld();
  t.equal(sumOf(await scrape(), 'aws_guard_approval_waits_active'), 2);
  advance(42_000);
  first('approved');
  first('denied');
  advance(600_000);
  second('expired');
  const s = await scrape();
  t.equal(sumOf(s, 'aws_guard_approval_waits_active'), 0);
  t.equal(sumOf(s, 'aws_guard_approval_wait_seconds_count'), 2, 'the second call of a finisher does nothing');
  t.equal(sumOf(s, 'aws_guard_approval_wait_seconds_sum', { outcome: 'approved' }), 42);
  t.equal(sumOf(s, 'aws_guard_approval_wait_seconds_bucket', { outcome: 'approved', le: '30' }), 0);
  t.equal(sumOf(s, 'aws_guard_approval_wait_seconds_bucket', { outcome: 'approved', le: '60' }), 1);
  t.equal(sumOf(s, 'aws_guard_approval_wait_seconds_sum', { outcome: 'expired' }), 642);
  t.equal(sumOf(s, 'aws_guard_approval_wait_seconds_count', { outcome: 'denied' }), 0);
});

t.test('connections count by channel; agent sessions count distinct session ids with a connection open', async (t) => {
  const { rec, scrape } = make();
  const gauges = async () => {
    const s = await scrape();
    return [sumOf(s, 'aws_guard_connections_active', { channel: 'agent' }), sumOf(s, 'aws_guard_connections_active', { channel: 'approver' }), sumOf(s, 'aws_guard_agent_sessions_active')];
  };
  t.same(await gauges(), [0, 0, 0], 'zero series from the start');
  const a1 = rec.connectionOpened('agent', 'sess-a');
  const a2 = rec.connectionOpened('agent', 'sess-a');
  const b1 = rec.connectionOpened('agent', 'sess-b');
  const bob = rec.connectionOpened('approver', 'sess-bob');
  t.same(await gauges(), [3, 1, 2]);
  a1();
  a1();
  t.same(await gauges(), [2, 1, 2], 'a session stays while one of its connections is open; a second close does nothing');
  a2();
  bob();
  t.same(await gauges(), [1, 0, 1]);
  b1();
  t.same(await gauges(), [0, 0, 0]);
  t.notOk(JSON.stringify(await scrape()).includes('sess-'), 'no session id is ever a label');
});

t.test('masked values count by kind: detector kinds as they are, output paths and rule ids by where they were masked', async (t) => {
  const { rec, scrape } = make();
  rec.masked({ AccessKeyId: 1, SecretAccessKey: 2, 'deny-prod-tokens': 3, LoginPassword: 1, Nothing: 0 }, 'stream');
  rec.masked({ 'AccessKey.SecretAccessKey': 1, SecretString: 2, AccessKeyId: 1, NestedTooDeep: 1 }, 'document');
  const s = await scrape();
  const byKind = Object.fromEntries(s.filter((x) => x.name === 'aws_guard_masked_values_total').map((x) => [x.labels['kind'], x.value]));
  t.same(byKind, { AccessKeyId: 2, SecretAccessKey: 2, policy_pattern: 3, LoginPassword: 1, document: 4 });
});

t.test('the slots are sampled at each scrape; the queue wait is a histogram', async (t) => {
  const { rec, slots, scrape } = make();
  const state = (s: Sample[], name: string) => sumOf(s, 'aws_guard_exec_slots', { state: name });
  let s = await scrape();
  t.same([state(s, 'running'), state(s, 'queued'), state(s, 'max')], [0, 0, 4]);
  slots.running = 4;
  slots.queued = 7;
  rec.slotWaited(0);
  rec.slotWaited(2);
  s = await scrape();
  t.same([state(s, 'running'), state(s, 'queued'), state(s, 'max')], [4, 7, 4]);
  t.equal(sumOf(s, 'aws_guard_exec_queue_wait_seconds_count'), 2);
  t.equal(sumOf(s, 'aws_guard_exec_queue_wait_seconds_bucket', { le: '0.005' }), 1);
});

t.test('audit appends by store and result; the info gauge names executor, isolation and store', async (t) => {
  const { rec, scrape } = make({ info: { ...INFO, store: 'redis' } });
  rec.auditAppended(0.002, true);
  rec.auditAppended(0.3, false);
  const s = await scrape();
  t.equal(sumOf(s, 'aws_guard_audit_append_seconds_count', { store: 'redis', result: 'ok' }), 1);
  t.equal(sumOf(s, 'aws_guard_audit_append_seconds_count', { store: 'redis', result: 'error' }), 1);
  t.equal(sumOf(s, 'aws_guard_audit_append_seconds_bucket', { result: 'ok', le: '0.0025' }), 1);
  t.same(s.filter((x) => x.name === 'aws_guard_broker_info'), [{ name: 'aws_guard_broker_info', labels: { ...INFO, store: 'redis' }, value: 1 }]);
});

t.test('each broker has its own registry: two in one process count apart, and the global registry stays empty', async (t) => {
  const one = make({ processMetrics: true });
  const two = make({ processMetrics: true });
  one.rec.commandEnded({ decision: 'allow', risk: 'read', outcome: 'ok' });
  t.equal(sumOf(await one.scrape(), 'aws_guard_commands_total'), 1);
  t.equal(sumOf(await two.scrape(), 'aws_guard_commands_total'), 0);
  t.same(globalRegister.getMetricsAsArray(), [], 'nothing registered globally');
  t.equal(one.metrics.exposition.contentType, globalRegister.contentType, "prom-client's content type");
});

t.test('process metrics are there by default and absent when turned off', async (t) => {
  const names = async (processMetrics: boolean) => new Set((await make({ processMetrics }).scrape()).map((s) => s.name));
  const on = await names(true);
  for (const name of ['process_resident_memory_bytes', 'nodejs_eventloop_lag_seconds', 'nodejs_heap_size_used_bytes', 'process_cpu_seconds_total'])
    t.ok(on.has(name), `${name} with process metrics`);
  t.notOk((await names(false)).has('process_resident_memory_bytes'));
});
