// The broker's audit log as records, for tests that check what was recorded.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

export type AuditRec = Readonly<{ type: string; code?: string; requestId?: string; data: Record<string, unknown> }>;

export const readAuditRecords = async (dataDir: string): Promise<AuditRec[]> =>
  (await readFile(join(dataDir, 'audit', 'audit.jsonl'), 'utf8'))
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as AuditRec);

/** The records of a command's steps before its outcome (docs/audit-format.md): not what tests of outcomes look at. */
export const STEP_TYPES: ReadonlySet<string> = new Set(['command.requested', 'command.decided', 'credentials.issued', 'command.started']);
