// Opens the broker's audit log, embedded (the data dir's file) or Redis: a log that cannot be opened, or opened
// safely, is a start-up problem with a line that says what to do, and the broker does not start (DESIGN §7.4).
import { fail, ok, type Result } from '@aws-guard/shared/result';
import { describeFileProblem } from '@aws-guard/shared/file-problem';
import type { BrokerConfig } from '../config/config-schema.js';
import type { Logger } from '../log/create-logger.js';
import type { AuditLog, CheckpointOptions } from './audit-log.js';
import { createAuditLog } from './audit-log.js';
import { createRedisAuditLog } from './redis-audit-log.js';
import { loadOrCreateBrokerId } from './redis-broker-id.js';
import { auditDirOf } from './audit-files.js';
import type { AppendObserver } from './audit-log-api.js';

export type OpenAuditDeps = Readonly<{ segmentBytes: number; log: Logger; onAppend: AppendObserver }>;

/** The embedded log's refusals already say what to do (`run aws-guard audit verify`); Redis's need the hint. */
const REDIS_ADVICE = 'start Redis, or fix --redis (AWS_GUARD_REDIS, config `redis`)';

export const openAudit = async (config: BrokerConfig, checkpoints: CheckpointOptions, deps: OpenAuditDeps): Promise<Result<AuditLog, 'BROKER_START'>> => {
  try {
    if (config.redisUrl === undefined) {
      return ok(await createAuditLog({ dir: auditDirOf(config.dataDir), segmentBytes: deps.segmentBytes, checkpoints, onAppend: deps.onAppend }));
    }
    const broker = await loadOrCreateBrokerId(config.dataDir);
    return ok(await createRedisAuditLog({ url: config.redisUrl, checkpoints, broker, warn: (message) => deps.log.warn({ store: 'redis' }, message), onAppend: deps.onAppend }));
  } catch (e) {
    const fileProblem = describeFileProblem(e);
    if (fileProblem !== undefined) return fail('BROKER_START', fileProblem);
    const { name, message } = e as Error;
    if (name !== 'AuditOpenError') throw e;
    return fail('BROKER_START', config.redisUrl === undefined ? message : `${message}: ${REDIS_ADVICE}`);
  }
};
