// The composition root: builds every leaf (config is already loaded), hands them to the flows, and wires
// the server. Nothing else in the broker imports across concerns.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { failAll, ok, type Result } from '@aws-guard/shared/result';
import type { BrokerConfig } from './config/config-schema.js';
import { createLogger } from './log/create-logger.js';
import { resolveAwsCli } from './exec/resolve-aws-cli.js';
import { selectIsolation } from './exec/select-isolation.js';
import { describeIsolation } from './exec/isolation.js';
import { createExecutionSlots } from './exec/execution-slots.js';
import { selectExecutor } from './exec/warm/select-executor.js';
import { loadOrCreateTokenKeys } from './auth/token-keys.js';
import { loadOrCreateAuditSigningKey } from './audit/audit-signing-key.js';
import { createCredentialSource } from './credentials/create-credential-source.js';
import { createBrokerServer } from './server/http-server.js';
import { createUpgradeAuthenticator } from './server/authenticate-upgrade.js';
import { createBearerVerifier } from './auth/verify-bearer.js';
import { createTokenRefresher } from './server/refresh-token.js';
import { handleAgentConnection } from './server/agent-connection.js';
import { runCommand } from './flows/run-command.js';
import { resolveMaskStyle } from './masking/mask-key.js';
import { createSessionRecorder } from './recording/session-recorder.js';
import { sessionsDirOf } from './recording/cast-format.js';
import { createCommandJudge } from './flows/command-judge.js';
import { createEmbeddedApprovalStore } from './approval/embedded-approval-store.js';
import { createRedisApprovalStore } from './approval/redis-approval-store.js';
import { handleApproverConnection } from './server/approver-connection.js';
import type { ApprovalRequest } from '@aws-guard/shared/approval/approval-request';
import { METRICS_PATH } from '@aws-guard/shared/protocol/endpoints';
import { createWebhookNotifier } from './approval/notify-webhook.js';
import { modelDir } from './model-dir.js';
import { createBrokerMetrics } from './metrics/broker-metrics.js';
import { NO_METRICS } from './metrics/metrics-recorder.js';
import { createMetricsServer, metricsHandler } from './metrics/metrics-endpoint.js';
import { openAudit } from './audit/open-audit.js';
import { describeFileProblem } from '@aws-guard/shared/file-problem';

export type App = Readonly<{
  start: () => Promise<{ url: string }>;
  stop: (why: string) => Promise<void>;
  /** Re-reads the policy (SIGHUP); a bad new policy keeps the old one and is logged. */
  reloadPolicy: () => Promise<void>;
}>;

export type AppEnv = Readonly<{ env: Readonly<Record<string, string | undefined>>; stderr: NodeJS.WritableStream; version: string }>;

export const createApp = async (config: BrokerConfig, appEnv: AppEnv): Promise<Result<App, 'BROKER_START'>> => {
  const log = createLogger(config.logLevel, appEnv.stderr);
  const problems: string[] = [];
  // A data dir that cannot be made (a file there, no permission) is a start-up problem like the others.
  const dataDirProblem = await mkdir(config.dataDir, { recursive: true, mode: 0o700 }).then(() => undefined, (e: unknown) => describeFileProblem(e) ?? `data dir ${config.dataDir}: ${(e as Error).message}`);
  if (dataDirProblem !== undefined) return failAll('BROKER_START', 'the broker cannot start', [dataDirProblem]);

  const cli = await resolveAwsCli(config.awsCli, appEnv.env['PATH'] ?? '');
  if (!cli.ok) problems.push(cli.issue.message);
  const judge = createCommandJudge({ policyFile: config.policyFile, cliMajor: cli.ok ? cli.value.major : 1, modelDir: modelDir(), defaultRegion: config.region });
  if (!judge.ok) problems.push(...(judge.issue.details ?? [judge.issue.message]));
  // The CLI never reads the data dir (keys, audit) or the policy, even where a bind would cover them.
  const isolation = cli.ok ? await selectIsolation({ mode: config.isolation, cliPath: cli.value.path, pathEnv: appEnv.env['PATH'] ?? '', hide: [config.dataDir, ...(config.policyFile === undefined ? [] : [config.policyFile])] }) : undefined;
  if (isolation !== undefined && !isolation.ok) problems.push(isolation.issue.message);
  const maskStyle = await resolveMaskStyle(config.masking, config.dataDir);
  if (!maskStyle.ok) problems.push(maskStyle.issue.message);
  if (!cli.ok || !judge.ok || !isolation?.ok || !maskStyle.ok) return failAll('BROKER_START', 'the broker cannot start', problems);

  // Warm forks of preloaded Python workers, or a spawn per command (docs/warm-executor.md); chosen once.
  const executor = await selectExecutor({ mode: config.exec.executor, workers: config.exec.workers, cli: cli.value, isolation: isolation.value, log: (level, message, data) => log[level]({ executor: true, ...data }, message) });
  // One limiter per broker: every agent connection shares these slots.
  const slots = createExecutionSlots({ max: config.exec.maxConcurrent, maxPerAgent: config.exec.maxPerAgent });
  // A registry of this broker's own (docs/metrics.md); disabled, the flows record into nothing and nothing is served.
  const store = config.redisUrl === undefined ? 'embedded' as const : 'redis' as const;
  const metrics = config.metrics.enabled
    ? createBrokerMetrics({ slots: slots.stats, maxConcurrent: config.exec.maxConcurrent, info: { version: appEnv.version, executor: executor.kind, isolation: isolation.value.kind, store } })
    : undefined;
  const recorder = metrics?.recorder ?? NO_METRICS;
  const keys = await loadOrCreateTokenKeys(config.dataDir);
  // Signed checkpoints every N records or T seconds (config `audit`), the last one in audit.close() at stop, and
  // segments sealed by size (audit-format.md).
  const auditKey = await loadOrCreateAuditSigningKey(config.dataDir);
  const { segmentBytes, checkpointRecords, checkpointSeconds } = config.audit;
  const checkpoints = { signer: auditKey.signer, everyRecords: checkpointRecords, everyMs: checkpointSeconds * 1000 };
  // With Redis, every broker on it appends to one shared chain, signed with the data dir's key: brokers on one
  // Redis share keys/ (docs/audit-format.md "Redis store"). Segments are the embedded store's.
  const opened = await openAudit(config, checkpoints, { segmentBytes, log, onAppend: recorder.auditAppended });
  if (!opened.ok) {
    executor.close();
    return failAll('BROKER_START', 'the broker cannot start', [opened.issue.message]);
  }
  const audit = opened.value;
  // The log itself recorded them (broker.recovered); the operator should hear of it too.
  if (audit.recovered !== null) log.warn({ seq: audit.recovered.seq, unfinished: audit.recovered.data['count'] }, 'the previous broker stopped with commands unfinished (audit broker.recovered)');
  const { source: credentials, warning: credentialsWarning } = createCredentialSource(config.credentials, { region: config.region, endpoint: config.awsEndpointUrl });
  const actor = { kind: 'broker' as const };
  const approvals = config.redisUrl === undefined ? createEmbeddedApprovalStore() : createRedisApprovalStore({ url: config.redisUrl });
  const webhook = config.approvalWebhook === undefined ? undefined : createWebhookNotifier({ url: config.approvalWebhook, onFailure: (message) => log.warn({ webhook: 'approval' }, message) });
  let storeHealth: { ok: boolean; reason?: string } = { ok: config.redisUrl === undefined };
  // Expiries are applied by sweeping: it is what tells waiting agents and approvers that time ran out.
  // Expiries and cancellations of the requests this broker created are audited here (once, by their owner):
  // nobody may be waiting on them any more, but the record must say how they ended.
  const createdHere = new Set<string>();
  const unwatch = approvals.subscribe(({ request }) => {
    if (!createdHere.has(request.id) || (request.state !== 'expired' && request.state !== 'cancelled')) return;
    createdHere.delete(request.id);
    void audit
      .append({ type: request.state === 'expired' ? 'approval.expired' : 'approval.cancelled', requestId: request.requestId, actor, data: { approvalId: request.id, state: request.state } })
      .catch((e: unknown) => log.error({ err: (e as Error).message, approvalId: request.id }, 'could not audit the end of an approval request'));
  });
  const sweeper = setInterval(() => {
    void approvals.sweep();
    void approvals.health().then((h) => (storeHealth = h));
  }, 5_000);
  sweeper.unref();
  // A recording that cannot be written is logged and named in the command's audit record (recording.failed):
  // the audit log, not the recording, is what a command may not run without.
  const sessionRecorder = createSessionRecorder({
    dir: sessionsDirOf(config.dataDir),
    onError: (sessionId, issue) => log.error({ sessionId, code: issue.code }, `session recording failed: ${issue.message}`),
  });
  const runDeps = {
    cli: cli.value,
    endpointUrl: config.awsEndpointUrl,
    defaultRegion: config.region,
    exec: config.exec,
    files: config.files,
    slots,
    isolation: isolation.value,
    runCli: executor.run,
    analyze: judge.value.analyze,
    decide: judge.value.decide,
    audit,
    credentials,
    approvals,
    ...(config.redisUrl === undefined ? {} : { sharedStoreHealth: () => approvals.health() }),
    notifyApprovers: (request: ApprovalRequest) => {
      createdHere.add(request.id);
      if (webhook !== undefined) void webhook.notify(request);
    },
    log,
    maskStyle: maskStyle.value,
    recorder: sessionRecorder,
    metrics: recorder,
  };
  const hello = { brokerVersion: appEnv.version, cli: { version: cli.value.version, major: cli.value.major, versionText: cli.value.versionText } };
  // Every upgrade is audited: token.accepted (durable before the socket opens) or token.rejected (rate-limited).
  // One verifier (one cached key set per issuer) for upgrades and for the refreshes of open connections.
  const verify = createBearerVerifier(keys, config.issuers, config.auth.maxTokenLifetimeMs);
  const upgrades = createUpgradeAuthenticator({ keys, verify, audit, log, onRejected: recorder.tokenRejected });
  const refresh = createTokenRefresher({ verify, audit, log });
  // /metrics on the broker's port, or on a listener of its own (metrics.listen) that agents need not reach.
  const serveMetrics = metrics === undefined ? undefined : metricsHandler(metrics.exposition);
  const metricsServer = serveMetrics === undefined || config.metrics.listen === undefined ? undefined : createMetricsServer(serveMetrics);
  const server = createBrokerServer({
    authenticate: upgrades.authenticate,
    onAgent: (ws, identity) => {
      ws.once('close', recorder.connectionOpened('agent', identity.sessionId));
      handleAgentConnection(ws, identity, hello, (channel, run) => runCommand(runDeps, channel, run), refresh);
    },
    onApprover: (ws, identity) => {
      ws.once('close', recorder.connectionOpened('approver', identity.sessionId));
      handleApproverConnection(ws, identity, {
        store: approvals,
        brokerVersion: appEnv.version,
        onDecided: async (request, decision, who, reason) => {
          await audit.append({
            type: decision === 'approve' ? 'approval.approved' : 'approval.denied',
            requestId: request.requestId,
            actor: { kind: 'approver', agent: who.agent, human: who.human, role: who.role },
            data: { approvalId: request.id, state: request.state, reason: reason ?? null },
          });
        },
      });
    },
    ...(serveMetrics === undefined || metricsServer !== undefined ? {} : { metrics: serveMetrics }),
    readiness: () => ({
      ready: storeHealth.ok,
      checks: { audit: 'ok', cli: cli.value.version, executor: executor.describe, store: config.redisUrl === undefined ? 'embedded' : storeHealth.ok ? 'redis ok' : `redis unavailable: ${storeHealth.reason ?? 'not connected yet'}` },
    }),
  });

  /** Starts the metrics listener, if it has one; where /metrics is served, or null when disabled. */
  const listenForMetrics = async (): Promise<string | null> => {
    if (metrics === undefined) return null;
    if (metricsServer === undefined || config.metrics.listen === undefined) return `${METRICS_PATH} on the broker's port`;
    const { host, port } = config.metrics.listen;
    const address = await metricsServer.listen(host, port).catch((e: unknown) => {
      throw new Error(`metrics.listen ${host}:${port}: ${(e as Error).message}`);
    });
    const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return `http://${shown}:${address.port}${METRICS_PATH}`;
  };

  return ok(
    Object.freeze({
      start: async () => {
        const address = await server.listen(config.host, config.port);
        const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
        const url = `ws://${host}:${address.port}`;
        const metricsUrl = await listenForMetrics();
        await audit.append({
          type: 'broker.started',
          actor,
          data: {
            version: appEnv.version,
            cli: cli.value.version,
            cliPath: cli.value.path,
            endpointUrl: config.awsEndpointUrl ?? null,
            policyHash: judge.value.policyHash(),
            isolation: isolation.value.kind,
            credentials: { mode: credentials.mode, roleArn: credentials.roleArn },
            audit: { ...config.audit },
            // A torn last line was never acknowledged, so nothing ran because of it; record that it was set aside.
            tornTail: audit.recovery.tornTail === null ? null : { ...audit.recovery.tornTail },
          },
        });
        log.info({ url, cli: cli.value.path, cliVersion: cli.value.version, endpointUrl: config.awsEndpointUrl, dataDir: config.dataDir, store: config.redisUrl === undefined ? 'embedded' : 'redis', policyHash: judge.value.policyHash(), credentialsMode: credentials.mode, roleArn: credentials.roleArn }, 'broker listening');
        // One human line for whoever started it; the JSON log above is for machines.
        // Before the listening line, which is what scripts (and the tests) wait for.
        log.info({ isolation: isolation.value.kind }, `isolation: ${describeIsolation(isolation.value)}`);
        appEnv.stderr.write(isolation.value.kind === 'bwrap' ? `aws-guard: isolation: ${describeIsolation(isolation.value)}\n` : `aws-guard: warning: isolation: ${describeIsolation(isolation.value)}: the CLI can read every file the broker can\n`);
        log.info({ executor: executor.kind }, `executor: ${executor.describe}`);
        if (metricsUrl !== null) appEnv.stderr.write(`aws-guard: metrics: ${metricsUrl}\n`);
        appEnv.stderr.write(`aws-guard: executor: ${executor.describe}\n`);
        appEnv.stderr.write(`aws-guard broker listening on ${url} (AWS CLI ${cli.value.version}, data dir ${config.dataDir})\n`);
        if (credentialsWarning !== null) {
          log.warn({ credentialsMode: credentials.mode }, credentialsWarning);
          appEnv.stderr.write(`aws-guard: warning: ${credentialsWarning}\n`);
        }
        return { url };
      },
      reloadPolicy: async () => {
        const reloaded = judge.value.reload();
        if (!reloaded.ok) {
          log.error({ problems: reloaded.issue.message, policyHash: judge.value.policyHash() }, 'policy reload failed: the previous policy stays in force');
          return;
        }
        await audit.append({ type: 'policy.loaded', actor, data: { policyHash: reloaded.value.hash, source: config.policyFile ?? 'built-in' } });
        log.info({ policyHash: reloaded.value.hash }, 'policy reloaded');
      },
      stop: async (why: string) => {
        clearInterval(sweeper);
        unwatch();
        await server.close();
        await metricsServer?.close();
        await approvals.close();
        await upgrades.flush();
        await audit.append({ type: 'broker.stopped', actor, data: { why } }).catch((e: unknown) => log.error({ err: (e as Error).message }, 'could not audit broker stop'));
        await sessionRecorder.close();
        await audit.close();
        executor.close();
      },
    }),
  );
};
