// Reads the config file, env and flags once, reports every problem together, returns a frozen config.
import { fileProblemReason } from '@aws-guard/shared/file-problem';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fail, failAll, ok, type Result } from '@aws-guard/shared/result';
import { parseDuration } from '@aws-guard/shared/duration';
import { CONFIG_DEFAULTS, CONFIG_ENV, brokerConfigInputSchema, defaultMaxPerAgent, type BrokerConfig } from './config-schema.js';
import { credentialsProblems, resolveCredentials } from './credentials-rules.js';
import { maskingProblems, resolveMasking } from './masking-rules.js';
import { metricsProblems, resolveMetrics } from './metrics-rules.js';
import { checkIssuers } from './issuers-rules.js';
import { parseYamlText } from './parse-yaml-text.js';
import { parseLifetimeLimit } from './token-lifetime-rules.js';

export type ConfigSources = Readonly<{
  /** Flag values by config key (`listen`, `dataDir`, `exec.timeout`, …); undefined = not given. */
  flags: Readonly<Record<string, string | undefined>>;
  env: Readonly<Record<string, string | undefined>>;
  /** Path of the YAML file, from --config or AWS_GUARD_CONFIG. */
  configFile: string | undefined;
  cwd: string;
}>;

type Layer = 'default' | 'file' | 'env' | 'flag';

/** Blocks whose keys layer one by one (env `AWS_GUARD_EXEC_TIMEOUT` overrides only `exec.timeout`). */
const NESTED = new Set(['exec', 'credentials', 'files', 'masking', 'audit', 'metrics', 'auth']);

const isMapping = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

const setPath = (target: Record<string, unknown>, key: string, value: unknown): void => {
  const [head, tail] = key.split('.', 2) as [string, string | undefined];
  if (tail === undefined) target[head] = value;
  else if (target[head] === undefined) setPath((target[head] = {}) as Record<string, unknown>, tail, value);
  // A file block that is not a mapping stays as it is, so that the schema reports it.
  else if (isMapping(target[head])) setPath(target[head], tail, value);
};

const readConfigFile = (path: string): Result<Record<string, unknown>, 'CONFIG_FILE'> => {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    return fail('CONFIG_FILE', `${path}: cannot read the config file: ${fileProblemReason(e)}`);
  }
  const parsed = parseYamlText(text);
  if (!parsed.ok) return fail('CONFIG_FILE', `${path}: invalid YAML: ${parsed.issue.message}`);
  const doc: unknown = parsed.value.doc.toJS();
  if (doc === null || doc === undefined) return ok({});
  if (typeof doc !== 'object' || Array.isArray(doc)) return fail('CONFIG_FILE', `${path}: must be a YAML mapping`);
  return ok(doc as Record<string, unknown>);
};

export const loadBrokerConfig = (sources: ConfigSources): Result<BrokerConfig, 'CONFIG_INVALID'> => {
  const problems: string[] = [];
  const input: Record<string, unknown> = structuredClone({ ...CONFIG_DEFAULTS, exec: { ...CONFIG_DEFAULTS.exec }, files: { ...CONFIG_DEFAULTS.files }, masking: { ...CONFIG_DEFAULTS.masking }, audit: { ...CONFIG_DEFAULTS.audit }, metrics: { ...CONFIG_DEFAULTS.metrics }, auth: { ...CONFIG_DEFAULTS.auth } });
  const origin: Record<string, Layer> = {};
  const apply = (layer: Layer, key: string, value: unknown) => {
    setPath(input, key, value);
    origin[key] = layer;
  };

  const configPath = sources.configFile ?? sources.env['AWS_GUARD_CONFIG'];
  if (configPath !== undefined) {
    const file = readConfigFile(resolve(sources.cwd, configPath));
    if (!file.ok) problems.push(file.issue.message);
    else
      for (const [key, value] of Object.entries(file.value)) {
        if (NESTED.has(key) && isMapping(value))
          for (const [k, v] of Object.entries(value)) apply('file', `${key}.${k}`, v);
        else apply('file', key, value);
      }
  }
  for (const [name, key] of Object.entries(CONFIG_ENV)) {
    const value = sources.env[name];
    if (value !== undefined && value !== '') apply('env', key, value);
  }
  for (const [key, value] of Object.entries(sources.flags)) if (value !== undefined) apply('flag', key, value);

  const checked = brokerConfigInputSchema.safeParse(input);
  if (!checked.success)
    for (const issue of checked.error.issues) problems.push(`${issue.path.map(String).join('.') || '(config)'}: ${issue.message}`);
  problems.push(...credentialsProblems(input['credentials']));
  problems.push(...maskingProblems(input['masking']));
  problems.push(...metricsProblems(input['metrics'], input['listen']));
  const issuers = checkIssuers(input['issuers'], sources.cwd);
  problems.push(...issuers.problems);

  // Durations are checked beside the schema so that every problem is reported in one go.
  const exec = input['exec'];
  const durationOf = (key: 'timeout' | 'killGrace') => {
    const value = exec !== null && typeof exec === 'object' ? (exec as Record<string, unknown>)[key] : undefined;
    if (typeof value !== 'string') return undefined;
    const parsed = parseDuration(value);
    if (!parsed.ok) problems.push(`exec.${key}: ${parsed.issue.message}`);
    return parsed.ok ? parsed.value : undefined;
  };
  // A cap per agent above the broker's limit would be no cap: refused, not silently lowered.
  const maxConcurrent = checked.success ? checked.data.exec?.maxConcurrent ?? CONFIG_DEFAULTS.exec.maxConcurrent : undefined;
  const maxPerAgent = checked.success ? checked.data.exec?.maxPerAgent : undefined;
  if (maxConcurrent !== undefined && maxPerAgent !== undefined && maxPerAgent > maxConcurrent)
    problems.push(`exec.maxPerAgent: ${maxPerAgent} is more than exec.maxConcurrent (${maxConcurrent}); it must be at most that`);
  const timeoutMs = durationOf('timeout');
  const killGraceMs = durationOf('killGrace');
  const auth = input['auth'];
  const maxTokenLifetime = parseLifetimeLimit(isMapping(auth) ? auth['maxTokenLifetime'] : undefined, 'auth.maxTokenLifetime', problems);

  if (problems.length > 0 || !checked.success || timeoutMs === undefined || killGraceMs === undefined || maxTokenLifetime === undefined) {
    return failAll('CONFIG_INVALID', `invalid broker configuration:\n  ${problems.join('\n  ')}`, problems);
  }
  const cfg = checked.data;
  const portAt = cfg.listen.lastIndexOf(':');
  const port = Number(cfg.listen.slice(portAt + 1));
  const sourcesByKey: Record<string, Layer> = {};
  for (const key of ['listen', 'dataDir', 'awsCli', 'awsEndpointUrl', 'region', 'policy', 'redis', 'approvalWebhook', 'exec.timeout', 'exec.maxConcurrent', 'exec.maxPerAgent', 'exec.executor', 'exec.workers', 'files.maxFileBytes', 'files.maxTotalBytes', 'files.maxFiles', 'logLevel', 'isolation', 'credentials.mode', 'credentials.roleArn', 'audit.segmentBytes', 'audit.checkpointRecords', 'audit.checkpointSeconds', 'metrics.enabled', 'metrics.listen', 'auth.maxTokenLifetime'])
    sourcesByKey[key] = origin[key] ?? 'default';

  return ok(
    Object.freeze({
      host: cfg.listen.slice(0, portAt).replace(/^\[|\]$/g, ''),
      port,
      dataDir: resolve(sources.cwd, cfg.dataDir),
      awsCli: cfg.awsCli === undefined ? undefined : resolve(sources.cwd, cfg.awsCli),
      awsEndpointUrl: cfg.awsEndpointUrl,
      region: cfg.region,
      policyFile: cfg.policy === undefined ? undefined : resolve(sources.cwd, cfg.policy),
      redisUrl: cfg.redis,
      approvalWebhook: cfg.approvalWebhook,
      exec: Object.freeze({
        timeoutMs,
        maxOutputBytes: cfg.exec?.maxOutputBytes ?? CONFIG_DEFAULTS.exec.maxOutputBytes,
        killGraceMs,
        maxConcurrent: cfg.exec?.maxConcurrent ?? CONFIG_DEFAULTS.exec.maxConcurrent,
        maxPerAgent: cfg.exec?.maxPerAgent ?? defaultMaxPerAgent(cfg.exec?.maxConcurrent ?? CONFIG_DEFAULTS.exec.maxConcurrent),
        executor: cfg.exec?.executor ?? CONFIG_DEFAULTS.exec.executor,
        workers: cfg.exec?.workers ?? CONFIG_DEFAULTS.exec.workers,
      }),
      files: Object.freeze({
        maxFileBytes: cfg.files?.maxFileBytes ?? CONFIG_DEFAULTS.files.maxFileBytes,
        maxTotalBytes: cfg.files?.maxTotalBytes ?? CONFIG_DEFAULTS.files.maxTotalBytes,
        maxFiles: cfg.files?.maxFiles ?? CONFIG_DEFAULTS.files.maxFiles,
      }),
      logLevel: cfg.logLevel ?? CONFIG_DEFAULTS.logLevel,
      isolation: cfg.isolation ?? CONFIG_DEFAULTS.isolation,
      credentials: resolveCredentials(cfg.credentials),
      masking: resolveMasking(cfg.masking, sources.cwd),
      auth: Object.freeze({ maxTokenLifetimeMs: maxTokenLifetime }),
      issuers: Object.freeze(issuers.issuers),
      audit: Object.freeze({
        segmentBytes: cfg.audit?.segmentBytes ?? CONFIG_DEFAULTS.audit.segmentBytes,
        checkpointRecords: cfg.audit?.checkpointRecords ?? CONFIG_DEFAULTS.audit.checkpointRecords,
        checkpointSeconds: cfg.audit?.checkpointSeconds ?? CONFIG_DEFAULTS.audit.checkpointSeconds,
      }),
      metrics: resolveMetrics(cfg.metrics),
      sources: Object.freeze(sourcesByKey),
    }),
  );
};
