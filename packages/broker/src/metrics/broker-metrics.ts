// The broker's Prometheus metrics (docs/metrics.md): one prom-client Registry per broker (never the global
// default, so several brokers can live in one process), the recorder the flows call, and the exposition text.
// The only file that imports prom-client.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import {
  APPROVAL_OUTCOMES, CHANNELS, DECISIONS, MASKED_KINDS, OUTCOMES, RISK_LABELS, TOKEN_REJECTION_REASONS, bounded, maskedKindOf,
  type Channel, type MetricsRecorder,
} from './metrics-recorder.js';
import type { MetricsExposition } from './metrics-endpoint.js';

export type BrokerMetrics = Readonly<{ recorder: MetricsRecorder; exposition: MetricsExposition }>;

export type BrokerMetricsOptions = Readonly<{
  /** Sampled at each scrape: the execution slots (exec/execution-slots.ts stats) and their number. */
  slots: () => Readonly<{ running: number; queued: number }>;
  maxConcurrent: number;
  /** Constant facts for aws_guard_broker_info; bounded values only. */
  info: Readonly<{ version: string; executor: string; isolation: string; store: 'embedded' | 'redis' }>;
  /** Node's own process metrics (RSS, event loop lag, GC, handles); default true. */
  processMetrics?: boolean;
  /** Milliseconds, for the approval wait; tests drive it. */
  now?: () => number;
}>;

// Buckets in seconds, sized for what each measures: a human (seconds to an hour), the CLI (tens of ms to the
// 15-minute default limit), a queue, and an fsync or Redis round trip (sub-millisecond to seconds).
const APPROVAL_BUCKETS = [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600];
const EXEC_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900];
const QUEUE_BUCKETS = [0.005, 0.05, 0.25, 1, 5, 15, 60, 300];
const AUDIT_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

export const createBrokerMetrics = (options: BrokerMetricsOptions): BrokerMetrics => {
  const registry = new Registry();
  const registers = [registry];
  const now = options.now ?? (() => performance.now());
  if (options.processMetrics !== false) collectDefaultMetrics({ register: registry });

  const commands = new Counter({ name: 'aws_guard_commands_total', help: 'Commands that ended, by policy decision, risk class and outcome.', labelNames: ['decision', 'risk', 'outcome'] as const, registers });
  const execSeconds = new Histogram({ name: 'aws_guard_command_execution_seconds', help: 'Wall time of the AWS CLI for commands that ran, by outcome.', labelNames: ['outcome'] as const, buckets: EXEC_BUCKETS, registers });
  const approvalSeconds = new Histogram({ name: 'aws_guard_approval_wait_seconds', help: 'How long commands held for approval waited, by how the wait ended.', labelNames: ['outcome'] as const, buckets: APPROVAL_BUCKETS, registers });
  const approvalsWaiting = new Gauge({ name: 'aws_guard_approval_waits_active', help: 'Commands on this broker waiting for a human decision now.', registers });
  const queueSeconds = new Histogram({ name: 'aws_guard_exec_queue_wait_seconds', help: 'How long commands waited for an execution slot.', buckets: QUEUE_BUCKETS, registers });
  const masked = new Counter({ name: 'aws_guard_masked_values_total', help: 'Values masked in command output, by kind.', labelNames: ['kind'] as const, registers });
  const auditSeconds = new Histogram({ name: 'aws_guard_audit_append_seconds', help: 'Audit appends, from the call until durable (or failed), by store and result.', labelNames: ['store', 'result'] as const, buckets: AUDIT_BUCKETS, registers });
  const rejections = new Counter({ name: 'aws_guard_token_rejections_total', help: 'WebSocket upgrades refused, by channel and reason.', labelNames: ['channel', 'reason'] as const, registers });
  const connections = new Gauge({ name: 'aws_guard_connections_active', help: 'Open WebSocket connections, by channel.', labelNames: ['channel'] as const, registers });
  const sessions = new Gauge({ name: 'aws_guard_agent_sessions_active', help: 'Agent sessions (token session ids) with at least one open connection.', registers });
  // Sampled at scrape time: the slots keep their own counts.
  new Gauge({
    name: 'aws_guard_exec_slots', help: 'Execution slots: commands running, commands queued for a slot, and the configured maximum.', labelNames: ['state'] as const, registers,
    collect() {
      const stats = options.slots();
      this.set({ state: 'running' }, stats.running);
      this.set({ state: 'queued' }, stats.queued);
      this.set({ state: 'max' }, options.maxConcurrent);
    },
  });
  new Gauge({ name: 'aws_guard_broker_info', help: 'Always 1: the broker version, executor (warm/spawn), isolation and store.', labelNames: ['version', 'executor', 'isolation', 'store'] as const, registers })
    .set({ ...options.info }, 1);

  // Zero series for every known label value, so that rate() and absent-series alerts work from the first scrape.
  for (const outcome of ['ok', 'error']) execSeconds.zero({ outcome });
  for (const channel of CHANNELS) connections.set({ channel }, 0);
  for (const result of ['ok', 'error']) auditSeconds.zero({ store: options.info.store, result });

  const openBySession = new Map<string, number>();
  const recorder: MetricsRecorder = Object.freeze({
    commandEnded: (labels) => commands.inc({ decision: bounded(DECISIONS, labels.decision), risk: bounded(RISK_LABELS, labels.risk), outcome: bounded(OUTCOMES, labels.outcome) }),
    executed: (outcome, seconds) => execSeconds.observe({ outcome: bounded(OUTCOMES, outcome) }, seconds),
    approvalHeld: () => {
      const started = now();
      approvalsWaiting.inc();
      let ended = false;
      return (outcome) => {
        if (ended) return;
        ended = true;
        approvalsWaiting.dec();
        approvalSeconds.observe({ outcome: bounded(APPROVAL_OUTCOMES, outcome) }, (now() - started) / 1000);
      };
    },
    slotWaited: (seconds) => queueSeconds.observe(seconds),
    masked: (counts, source) => {
      for (const [key, n] of Object.entries(counts)) if (n > 0) masked.inc({ kind: bounded(MASKED_KINDS, maskedKindOf(key, source)) }, n);
    },
    auditAppended: (seconds, ok) => auditSeconds.observe({ store: options.info.store, result: ok ? 'ok' : 'error' }, seconds),
    tokenRejected: (channel, reason) => rejections.inc({ channel: bounded(CHANNELS, channel), reason: bounded(TOKEN_REJECTION_REASONS, reason) }),
    connectionOpened: (channel: Channel, sessionId: string) => {
      connections.inc({ channel: bounded(CHANNELS, channel) });
      // Only agents have sessions worth counting; approvers are people at a terminal.
      if (channel === 'agent') {
        const open = openBySession.get(sessionId) ?? 0;
        openBySession.set(sessionId, open + 1);
        if (open === 0) sessions.inc();
      }
      let closed = false;
      return () => {
        if (closed) return;
        closed = true;
        connections.dec({ channel: bounded(CHANNELS, channel) });
        if (channel !== 'agent') return;
        const left = (openBySession.get(sessionId) ?? 1) - 1;
        if (left > 0) openBySession.set(sessionId, left);
        else {
          openBySession.delete(sessionId);
          sessions.dec();
        }
      };
    },
  });

  return Object.freeze({ recorder, exposition: Object.freeze({ contentType: registry.contentType, render: () => registry.metrics() }) });
};
