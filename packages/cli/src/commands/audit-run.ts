// `aws-guard audit verify` and `aws-guard audit tail`: read the embedded audit log directly from the data dir
// (no broker needed). verify exits 0 only when the whole chain verifies; otherwise it names the first bad record.
import { resolve } from 'node:path';
import { parseRecordLine } from '@aws-guard/shared/audit/parse-record-line';
import { UserFacingError } from '@aws-guard/shared/errors';
import { auditDirOf, auditFilePath, readLastLines } from '@aws-guard/broker/audit/audit-files';
import { verifyAuditFile } from '@aws-guard/broker/audit/verify-audit-file';
import { CONFIG_DEFAULTS } from '@aws-guard/broker/config/config-schema';
import { argvOf, escapeForTerminal, formatAuditRecord } from '../audit/format-audit-record.js';
import type { CommandContext } from './command-context.js';

export type AuditIo = Pick<CommandContext, 'env' | 'stdout' | 'stderr'>;
export type AuditVerifyOptions = Readonly<{ dataDir?: string; json?: boolean }>;
export type AuditTailOptions = Readonly<{ dataDir?: string; lines?: string; json?: boolean }>;

export const DEFAULT_TAIL_LINES = 10;

/** The same data dir the broker would use: --data-dir, else AWS_GUARD_DATA_DIR, else its default. */
const auditPath = (dataDir: string | undefined, io: AuditIo): string =>
  auditFilePath(auditDirOf(resolve(dataDir ?? io.env['AWS_GUARD_DATA_DIR'] ?? CONFIG_DEFAULTS.dataDir)));

const isMissing = (e: unknown): boolean => (e as NodeJS.ErrnoException).code === 'ENOENT';

/** Verifies the whole chain; returns the exit code (0 verified, 1 not). */
export async function runAuditVerify(opts: AuditVerifyOptions, io: AuditIo): Promise<number> {
  const path = auditPath(opts.dataDir, io);
  const verdict = await verifyAuditFile(path);
  if (verdict.ok) {
    const { count, lastSeq, lastHash } = verdict;
    io.stdout.write(opts.json ? `${JSON.stringify({ path, ok: true, count, lastSeq, lastHash })}\n`
      : `audit log ${path} verified: ${count} records, last seq ${lastSeq}, last hash ${lastHash}\n`);
    return 0;
  }
  if (opts.json) io.stdout.write(`${JSON.stringify({ path, ok: false, issue: verdict.issue })}\n`);
  else {
    const { code, seq, line, message } = verdict.issue;
    const where = line === 0 ? '' : ` at line ${line}${seq === null ? '' : ` (seq ${seq})`}`;
    io.stderr.write(`audit log ${path} does NOT verify${where}: ${code}: ${escapeForTerminal(message)}\n`);
  }
  return 1;
}

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
