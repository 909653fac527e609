// `aws-guard audit tail`: reads the end of the embedded audit log directly from the data dir (no broker needed).
// verify and pubkey are in audit-verify-run.ts (re-exported here for callers that load this module).
import { parseRecordLine } from '@aws-guard/shared/audit/parse-record-line';
import { UserFacingError } from '@aws-guard/shared/errors';
import { readLastLines } from '@aws-guard/broker/audit/audit-files';
import { argvOf, escapeForTerminal, formatAuditRecord } from '../audit/format-audit-record.js';
import { auditPath, type AuditIo } from './audit-data-dir.js';

export type { AuditIo } from './audit-data-dir.js';
export { runAuditPubkey, runAuditVerify, type AuditPubkeyOptions, type AuditVerifyOptions } from './audit-verify-run.js';
export type AuditTailOptions = Readonly<{ dataDir?: string; lines?: string; json?: boolean }>;

export const DEFAULT_TAIL_LINES = 10;

const isMissing = (e: unknown): boolean => (e as NodeJS.ErrnoException).code === 'ENOENT';

/** Prints the last N records; returns 1 if any of them cannot be read as a sound record (verify says why). */
export async function runAuditTail(opts: AuditTailOptions, io: AuditIo): Promise<number> {
  const count = opts.lines === undefined ? DEFAULT_TAIL_LINES : Number(opts.lines);
  if (!Number.isSafeInteger(count) || count < 1) {
    throw new UserFacingError('AUDIT_USAGE', `audit tail: -n must be a positive whole number, not ${opts.lines}`, 2);
  }
  const path = auditPath(opts.dataDir, io);
  const lines = await readLastLines(path, count).catch((e: unknown) => {
    if (isMissing(e)) throw new UserFacingError('AUDIT_LOG_MISSING', `no audit log at ${path} (wrong --data-dir?)`, 1);
    throw e;
  });
  const argvByRequest = new Map<string, readonly string[]>();
  let unreadable = 0;
  for (const line of lines) {
    const parsed = parseRecordLine(line);
    if (!parsed.ok) {
      unreadable++;
      const why = `${parsed.code}: ${escapeForTerminal(parsed.message)}`;
      io.stderr.write(`aws-guard: a record cannot be shown: ${why}; run \`aws-guard audit verify\`\n`);
      continue;
    }
    const { record } = parsed;
    const argv = argvOf(record);
    if (record.type === 'command.requested' && argv !== undefined && record.requestId !== undefined) {
      argvByRequest.set(record.requestId, argv);
    }
    io.stdout.write(`${opts.json ? line : formatAuditRecord(record, argvByRequest)}\n`);
  }
  return unreadable === 0 ? 0 : 1;
}
