// `aws-guard sessions`: the sessions in the audit log, joined with the recordings under <data dir>/sessions/.
// Reads both directly (no broker needed; the log's every segment, through readAuditLines) and writes nothing.
import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { readAuditLines } from '@aws-guard/broker/audit/audit-files';
import { castFileName, sessionsDirOf } from '@aws-guard/broker/recording/cast-format';
import { parseRecordLine } from '@aws-guard/shared/audit/parse-record-line';
import { UserFacingError } from '@aws-guard/shared/errors';
import { escapeForTerminal } from '../audit/format-audit-record.js';
import { auditDataDir, auditPath } from './audit-data-dir.js';
import type { CommandContext } from './command-context.js';
import { foldSessions, type SessionSummary } from './sessions-summary.js';

export type SessionsOptions = Readonly<{ dataDir?: string; json?: boolean }>;
export type SessionsIo = Pick<CommandContext, 'env' | 'stdout' | 'stderr'>;

/** A listed session: its summary and its recording's path, or null when none exists. */
export type ListedSession = SessionSummary & { recording: string | null };

const sha256Hex = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** Exit 0, or 1 when a record could not be read (the listing then leaves it out; `audit verify` says why). */
export async function runSessions(opts: SessionsOptions, io: SessionsIo): Promise<number> {
  const path = auditPath(opts.dataDir, io);
  const dir = sessionsDirOf(auditDataDir(opts.dataDir, io));
  const fold = foldSessions();
  let unsound = 0;
  const reader = readAuditLines(path);
  try {
    for await (const line of reader.lines) {
      const parsed = parseRecordLine(line);
      if (parsed.ok) fold.add(parsed.record);
      else unsound++;
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new UserFacingError('AUDIT_LOG_MISSING', `no audit log at ${path} (wrong --data-dir?)`, 1);
    throw e;
  }
  const files = await castFiles(dir);
  const listed: ListedSession[] = fold.sessions().map((s) => {
    const name = castFileName(s.sessionId, sha256Hex);
    return { ...s, recording: files.has(name) ? join(dir, name) : null };
  });
  if (opts.json) io.stdout.write(`${JSON.stringify(listed, null, 2)}\n`);
  else io.stdout.write(formatSessions(listed));
  if (unsound > 0) io.stderr.write(`aws-guard: ${unsound} records could not be read and were left out; run \`aws-guard audit verify\`\n`);
  return unsound === 0 ? 0 : 1;
}

async function castFiles(dir: string): Promise<Set<string>> {
  try {
    return new Set((await readdir(dir)).filter((name) => name.endsWith('.cast')));
  } catch (e) {
    // No recording yet (or recording never enabled): every session is listed without one.
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return new Set();
    throw e;
  }
}

const COLUMNS = ['SESSION', 'AGENT', 'HUMAN', 'START', 'COMMANDS', 'DENIED', 'APPROVED', 'RECORDING'] as const;

/** A table, one session a line; names come from tokens, so they are escaped. */
export function formatSessions(sessions: readonly ListedSession[]): string {
  if (sessions.length === 0) return 'no sessions in the audit log\n';
  const rows = sessions.map((s) => [
    escapeForTerminal(s.sessionId), escapeForTerminal(s.agent ?? '-'), escapeForTerminal(s.human ?? '-'), s.start,
    String(s.commands), String(s.denied), String(s.approved), s.recording === null ? 'no' : 'yes',
  ]);
  const widths = COLUMNS.map((title, i) => Math.max(title.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) => `${cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()}\n`;
  return [line(COLUMNS), ...rows.map(line)].join('');
}
