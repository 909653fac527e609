// Start-up with checkpoints on: finds the last `audit.checkpoint` record by reading the log backwards, so the
// next checkpoint can name its signature. Reads only back to that checkpoint (at most one cadence of records),
// except in a log that has none yet, which is read back to its start once.
import { open } from 'node:fs/promises';
import { CHECKPOINT_TYPE, checkpointDataSchema } from '@aws-guard/shared/audit/checkpoint-signature';
import { parseRecordLine } from '@aws-guard/shared/audit/parse-record-line';

const CHUNK_BYTES = 256 * 1024;
// A checkpoint line always holds this (JSON.stringify writes no spaces); cheaper to test than parsing each line.
const MARKER = `"type":"${CHECKPOINT_TYPE}"`;

export type LastCheckpoint = Readonly<{ seq: number; signature: string }>;

/** The last sound checkpoint before byte `end`, or null if there is none. */
export async function findLastCheckpoint(path: string, end: number): Promise<LastCheckpoint | null> {
  const fh = await open(path, 'r');
  try {
    let position = end;
    let carry = Buffer.alloc(0);
    while (position > 0) {
      const size = Math.min(CHUNK_BYTES, position);
      position -= size;
      const chunk = Buffer.alloc(size);
      await fh.read(chunk, 0, size, position);
      const region = Buffer.concat([chunk, carry]);
      // Unless at the file's start, the first piece may be the end of a line that began earlier: keep it for
      // the next round, which reads the bytes before it.
      const firstNewline = position === 0 ? -1 : region.indexOf(0x0a);
      if (position > 0 && firstNewline === -1) {
        carry = region;
        continue;
      }
      const whole = region.subarray(firstNewline + 1);
      carry = firstNewline === -1 ? Buffer.alloc(0) : region.subarray(0, firstNewline);
      const found = lastCheckpointIn(whole.toString('utf8').split('\n'));
      if (found !== null) return found;
    }
    return null;
  } finally {
    await fh.close();
  }
}

function lastCheckpointIn(lines: string[]): LastCheckpoint | null {
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i]!;
    if (!line.includes(MARKER)) continue;
    const parsed = parseRecordLine(line);
    if (!parsed.ok || parsed.record.type !== CHECKPOINT_TYPE) continue;
    const data = checkpointDataSchema.safeParse(parsed.record.data);
    if (data.success) return { seq: parsed.record.seq, signature: data.data.signature };
  }
  return null;
}
