// Where the audit commands find the broker's data dir, log and signing key: the same place the broker uses.
import { resolve } from 'node:path';
import { auditDirOf, auditFilePath } from '@aws-guard/broker/audit/audit-files';
import { CONFIG_DEFAULTS } from '@aws-guard/broker/config/config-schema';
import type { CommandContext } from './command-context.js';

export type AuditIo = Pick<CommandContext, 'env' | 'stdout' | 'stderr'>;

/** --data-dir, else AWS_GUARD_DATA_DIR, else the broker's default. */
export const auditDataDir = (dataDir: string | undefined, io: AuditIo): string =>
  resolve(dataDir ?? io.env['AWS_GUARD_DATA_DIR'] ?? CONFIG_DEFAULTS.dataDir);

export const auditPath = (dataDir: string | undefined, io: AuditIo): string =>
  auditFilePath(auditDirOf(auditDataDir(dataDir, io)));
