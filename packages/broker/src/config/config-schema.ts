// The broker's configuration: one schema for the YAML file, env and flags, validated once and frozen.
import { z } from 'zod';

// Shared with the policy's role mappings (credentials section).
import { EXTERNAL_ID, ROLE_ARN } from '@aws-guard/shared/iam-role';
import type { TrustedIssuer } from '../auth/trusted-issuer.js';
import { DEFAULT_MAX_TOKEN_LIFETIME } from '../auth/token-lifetime.js';
import { issuersInputSchema } from './issuers-schema.js';
export { ROLE_ARN };

const LISTEN = /^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/;
const isListenAddress = (value: string): boolean => {
  const port = LISTEN.exec(value)?.[2];
  return port !== undefined && Number(port) <= 65535;
};

const numberFromText = (v: unknown): unknown => (typeof v === 'string' && /^\d+$/.test(v.trim()) ? Number(v) : v);

/** A positive integer (counts, byte sizes); env and flags give text, the file may give either. */
const positiveInt = z.preprocess(
  numberFromText,
  z.number({ error: 'must be a positive integer' }).int('must be a positive integer').positive('must be a positive integer'),
);

/** true or false; env and flags give text (`true`/`false`), the file a YAML boolean. */
const booleanFromText = z.preprocess(
  (v) => (v === 'true' ? true : v === 'false' ? false : v),
  z.boolean({ error: 'must be true or false' }),
);

/** A whole number in [min, max], from text or a number like positiveInt. */
const intWithin = (min: number, max: number, message: string) =>
  z.preprocess(numberFromText, z.number({ error: message }).int(message).min(min, message).max(max, message));

/** A segment must hold at least one record of the largest size (MAX_RECORD_BYTES, 1 MiB). */
export const MIN_SEGMENT_BYTES = 1024 * 1024;

/** Settings as the operator writes them (file keys; env and flags map onto the same keys). */
export const brokerConfigInputSchema = z.strictObject({
  listen: z.string().refine(isListenAddress, 'must be HOST:PORT with a port of 0-65535, e.g. 127.0.0.1:8750'),
  dataDir: z.string().min(1),
  awsCli: z.string().min(1).optional(),
  awsEndpointUrl: z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }).optional(),
  region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, 'must be an AWS region such as us-east-1').optional(),
  policy: z.string().min(1).optional(),
  approvalWebhook: z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }).optional(),
  redis: z.string().regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL').optional(),
  exec: z
    .strictObject({
      timeout: z.string().optional(),
      maxOutputBytes: z.number().int().positive().optional(),
      killGrace: z.string().optional(),
      // Env and flags give text; the file may give either.
      maxConcurrent: positiveInt.optional(),
      maxPerAgent: positiveInt.optional(),
      // How a command runs (exec/warm/select-executor.ts, docs/warm-executor.md); must list EXECUTOR_MODES.
      executor: z.enum(['auto', 'warm', 'spawn']).optional(),
      workers: positiveInt.optional(),
    })
    .optional(),
  // Local files that travel between agent and broker (docs/files.md).
  files: z
    .strictObject({
      maxFileBytes: positiveInt.optional(),
      maxTotalBytes: positiveInt.optional(),
      maxFiles: positiveInt.optional(),
    })
    .optional(),
  // The embedded audit log's segments and checkpoint cadence (docs/audit-format.md).
  audit: z
    .strictObject({
      segmentBytes: intWithin(MIN_SEGMENT_BYTES, Number.MAX_SAFE_INTEGER, `must be a whole number of bytes, at least ${MIN_SEGMENT_BYTES} (1 MiB)`).optional(),
      checkpointRecords: intWithin(1, 1_000_000, 'must be a whole number from 1 to 1000000').optional(),
      checkpointSeconds: intWithin(1, 86_400, 'must be a whole number of seconds from 1 to 86400').optional(),
    })
    .optional(),
  // Prometheus /metrics (docs/metrics.md); cross-key rules in metrics-rules.ts.
  metrics: z
    .strictObject({
      enabled: booleanFromText.optional(),
      listen: z.string().refine(isListenAddress, 'must be HOST:PORT with a port of 0-65535, e.g. 127.0.0.1:9464').optional(),
    })
    .optional(),
  // Broker-issued tokens (docs/identity.md "Token lifetime"); the range is checked in load-config.ts.
  auth: z
    .strictObject({
      maxTokenLifetime: z.string({ error: 'must be a duration such as 30d or 12h' }).optional(),
    })
    .optional(),
  // External token issuers (OIDC, CI, Kubernetes) the broker trusts beside its own tokens (docs/identity.md);
  // file only. Rules across keys in issuers-rules.ts.
  issuers: issuersInputSchema.optional(),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
  // Must list exec/isolation.ts ISOLATION_MODES (config does not import exec).
  isolation: z.enum(['auto', 'bwrap', 'none']).optional(),
  // How each command gets its AWS credentials (docs/credentials.md); rules across keys in credentials-rules.ts.
  credentials: z
    .strictObject({
      mode: z.enum(['passthrough', 'assume-role']).optional(),
      roleArn: z.string().regex(ROLE_ARN, 'must be an IAM role ARN such as arn:aws:iam::123456789012:role/aws-guard-agent').optional(),
      externalId: z.string().regex(EXTERNAL_ID, "must be 2-1224 characters of letters, digits and _+=,.@:/-").optional(),
      durationSeconds: z.number().int().min(900, 'must be at least 900 (STS minimum)').max(43_200, 'must be at most 43200 (STS maximum)').optional(),
    })
    .optional(),
  // How masked values of parsed output are written (docs/masking.md); cross-key rule in masking-rules.ts.
  masking: z
    .strictObject({
      style: z.enum(['length', 'hmac'], { error: "must be 'length' or 'hmac'" }).optional(),
      hmacKeyFile: z.string().min(1).optional(),
    })
    .optional(),
});

export type BrokerConfigInput = z.infer<typeof brokerConfigInputSchema>;

/** The resolved, frozen configuration every component receives. */
export type BrokerConfig = Readonly<{
  host: string;
  port: number;
  dataDir: string;
  /** Absolute path of the real AWS CLI, or undefined to search PATH at start. */
  awsCli: string | undefined;
  /** The operator's trusted endpoint (a local emulator); agents can never set one. */
  awsEndpointUrl: string | undefined;
  /** Region written into the CLI's config when the agent sends none. */
  region: string | undefined;
  policyFile: string | undefined;
  /** Redis URL: approvals shared by every broker on it; undefined = the embedded store. */
  redisUrl: string | undefined;
  /** Slack-compatible webhook told about every new approval request. */
  approvalWebhook: string | undefined;
  /** Per-command limits, and how many CLI processes run at once (the rest queue, fairly per agent). */
  exec: Readonly<{
    timeoutMs: number;
    maxOutputBytes: number;
    killGraceMs: number;
    maxConcurrent: number;
    /** Slots one agent may hold at once (≤ maxConcurrent; default half of it, rounded up): the rest stay free for others. */
    maxPerAgent: number;
    /** `spawn`: a new CLI process per command; `warm`: forks of preloaded Python workers; `auto`: warm where it can. */
    executor: 'auto' | 'warm' | 'spawn';
    /** Warm workers kept running (each forks any number of commands). */
    workers: number;
  }>;
  /** Limits on local files per command: one file, all files together, files in one tree. */
  files: Readonly<{ maxFileBytes: number; maxTotalBytes: number; maxFiles: number }>;
  logLevel: string;
  /** How the CLI is confined (exec/select-isolation.ts): `auto` = bwrap when it works here. */
  isolation: 'auto' | 'bwrap' | 'none';
  /** How each command gets credentials: the broker's own (`passthrough`) or an assumed role per identity. */
  credentials: Readonly<
    | { mode: 'passthrough' }
    | { mode: 'assume-role'; roleArn: string; externalId: string | undefined; durationSeconds: number | undefined }
  >;
  /**
   * How a masked value is written: its length, or an HMAC under the key in `hmacKeyFile` (absolute; undefined =
   * keys/mask-hmac.key in the data dir, created on first use). masking/mask-key.ts reads the key.
   */
  masking: Readonly<{ style: 'length' | 'hmac'; hmacKeyFile: string | undefined }>;
  /**
   * Prometheus /metrics: served on the broker's own listener, or only on `listen` when set (a port agents cannot
   * reach); `enabled: false` serves nothing and records nothing.
   */
  metrics: Readonly<{ enabled: boolean; listen: Readonly<{ host: string; port: number }> | undefined }>;
  /** The embedded audit log: seal the active file into a segment at this size; sign every N records or T seconds. */
  audit: Readonly<{ segmentBytes: number; checkpointRecords: number; checkpointSeconds: number }>;
  /** The longest a broker-issued token may live (exp − iat); longer ones are refused as lifetime-too-long. */
  auth: Readonly<{ maxTokenLifetimeMs: number }>;
  /** External issuers whose tokens the broker accepts beside its own; empty = broker-issued tokens only. */
  issuers: readonly TrustedIssuer[];
  /** Where each setting came from, for `doctor` and the start-up log. */
  sources: Readonly<Record<string, 'default' | 'file' | 'env' | 'flag'>>;
}>;

export const CONFIG_DEFAULTS = Object.freeze({
  listen: '127.0.0.1:8750',
  dataDir: '.aws-guard',
  exec: Object.freeze({ timeout: '15m', maxOutputBytes: 4 * 1024 * 1024 * 1024, killGrace: '2s', maxConcurrent: 8, executor: 'auto' as const, workers: 2 }),
  files: Object.freeze({ maxFileBytes: 5 * 1024 ** 3, maxTotalBytes: 20 * 1024 ** 3, maxFiles: 100_000 }),
  logLevel: 'info',
  isolation: 'auto',
  masking: Object.freeze({ style: 'length' }),
  // Mirrors audit-log.ts DEFAULT_SEGMENT_BYTES / DEFAULT_CHECKPOINT_RECORDS / DEFAULT_CHECKPOINT_MS (config does not import audit).
  audit: Object.freeze({ segmentBytes: 64 * 1024 * 1024, checkpointRecords: 1000, checkpointSeconds: 60 }),
  metrics: Object.freeze({ enabled: true }),
  auth: Object.freeze({ maxTokenLifetime: DEFAULT_MAX_TOKEN_LIFETIME }),
});

/** exec.maxPerAgent's default: half the slots (rounded up), so the other agents always have the rest. Here with
 * the other defaults: config resolves it, and the execution slots (exec/execution-slots.ts) apply it when not given. */
export const defaultMaxPerAgent = (maxConcurrent: number): number => Math.ceil(maxConcurrent / 2);

/** Env variables the broker reads, and the config key each sets. */
export const CONFIG_ENV = Object.freeze({
  AWS_GUARD_LISTEN: 'listen',
  AWS_GUARD_DATA_DIR: 'dataDir',
  AWS_GUARD_AWS_CLI: 'awsCli',
  AWS_GUARD_AWS_ENDPOINT_URL: 'awsEndpointUrl',
  AWS_GUARD_REGION: 'region',
  AWS_GUARD_POLICY: 'policy',
  AWS_GUARD_REDIS: 'redis',
  AWS_GUARD_APPROVAL_WEBHOOK: 'approvalWebhook',
  AWS_GUARD_EXEC_TIMEOUT: 'exec.timeout',
  AWS_GUARD_MAX_CONCURRENT: 'exec.maxConcurrent',
  AWS_GUARD_MAX_PER_AGENT: 'exec.maxPerAgent',
  AWS_GUARD_EXECUTOR: 'exec.executor',
  AWS_GUARD_EXEC_WORKERS: 'exec.workers',
  AWS_GUARD_MAX_FILE_BYTES: 'files.maxFileBytes',
  AWS_GUARD_MAX_TOTAL_FILE_BYTES: 'files.maxTotalBytes',
  AWS_GUARD_MAX_FILES: 'files.maxFiles',
  AWS_GUARD_LOG_LEVEL: 'logLevel',
  AWS_GUARD_ISOLATION: 'isolation',
  AWS_GUARD_CREDENTIALS_MODE: 'credentials.mode',
  AWS_GUARD_ROLE_ARN: 'credentials.roleArn',
  AWS_GUARD_MASK_STYLE: 'masking.style',
  AWS_GUARD_AUDIT_SEGMENT_BYTES: 'audit.segmentBytes',
  AWS_GUARD_AUDIT_CHECKPOINT_RECORDS: 'audit.checkpointRecords',
  AWS_GUARD_AUDIT_CHECKPOINT_SECONDS: 'audit.checkpointSeconds',
  AWS_GUARD_METRICS: 'metrics.enabled',
  AWS_GUARD_METRICS_LISTEN: 'metrics.listen',
  AWS_GUARD_MAX_TOKEN_LIFETIME: 'auth.maxTokenLifetime',
} as const);
