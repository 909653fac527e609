// Start-up with checkpoints on: finds the last `audit.checkpoint` record by reading the log backwards, so the
// next checkpoint can name its signature. Reads only back to that checkpoint (at most one cadence of records),
// except in a log that has none yet, which is read back to its start once. A sealed segment ends with one.
import { CHECKPOINT_TYPE, checkpointDataSchema } from '@aws-guard/shared/audit/checkpoint-signature';
import { parseRecordLine } from '@aws-guard/shared/audit/parse-record-line';
import { findLastLineInLog } from './find-last-line-in-log.js';

// A checkpoint line always holds this (JSON.stringify writes no spaces); cheaper to test than parsing each line.
const MARKER = `"type":"${CHECKPOINT_TYPE}"`;

export type LastCheckpoint = Readonly<{ seq: number; signature: string }>;

/** The last sound checkpoint before byte `end` of the active file or in a sealed segment, or null if none. */
export async function findLastCheckpoint(path: string, end: number): Promise<LastCheckpoint | null> {
  const found = await findLastLineInLog(path, end, [MARKER], checkpointOf);
  return found?.value ?? null;
}

function checkpointOf(line: string): LastCheckpoint | null {
  const parsed = parseRecordLine(line);
  if (!parsed.ok || parsed.record.type !== CHECKPOINT_TYPE) return null;
  const data = checkpointDataSchema.safeParse(parsed.record.data);
  return data.success ? { seq: parsed.record.seq, signature: data.data.signature } : null;
}
