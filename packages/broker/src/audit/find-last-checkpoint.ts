// Start-up with checkpoints on: finds the last `audit.checkpoint` record by reading the log backwards, so the
// next checkpoint can name its signature. Reads only back to that checkpoint (at most one cadence of records),
// except in a log that has none yet, which is read back to its start once.
import { CHECKPOINT_TYPE, checkpointDataSchema } from '@aws-guard/shared/audit/checkpoint-signature';
import { parseRecordLine } from '@aws-guard/shared/audit/parse-record-line';
import { findLastLine } from './find-last-line.js';

// A checkpoint line always holds this (JSON.stringify writes no spaces); cheaper to test than parsing each line.
const MARKER = `"type":"${CHECKPOINT_TYPE}"`;

export type LastCheckpoint = Readonly<{ seq: number; signature: string }>;

/** The last sound checkpoint before byte `end`, or null if there is none. */
export async function findLastCheckpoint(path: string, end: number): Promise<LastCheckpoint | null> {
  const found = await findLastLine(path, end, [MARKER], checkpointOf);
  return found?.value ?? null;
}

function checkpointOf(line: string): LastCheckpoint | null {
  const parsed = parseRecordLine(line);
  if (!parsed.ok || parsed.record.type !== CHECKPOINT_TYPE) return null;
  const data = checkpointDataSchema.safeParse(parsed.record.data);
  return data.success ? { seq: parsed.record.seq, signature: data.data.signature } : null;
}
