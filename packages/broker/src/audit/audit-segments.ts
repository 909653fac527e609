// The segment files of the embedded audit log: `audit.jsonl` is the active segment, and each sealed one is
// `audit-<first seq, 12 digits>.jsonl` beside it, so that sorting the names sorts the chain (docs/audit-format.md
// "Segments"). Naming, listing and the first record of a segment; the writer's rotation is rotate-segment.ts.
import { open, readdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { MAX_RECORD_BYTES } from '@aws-guard/shared/audit/audit-record';
import { AUDIT_FILE_NAME } from './audit-files.js';

const SEGMENT = /^audit-(\d{12})\.jsonl$/;
const SEQ_DIGITS = 12;

export type Segment = Readonly<{ path: string; firstSeq: number }>;

/** The sealed segment's file name for a segment whose first record has seq `firstSeq`. */
export const segmentName = (firstSeq: number): string => `audit-${String(firstSeq).padStart(SEQ_DIGITS, '0')}.jsonl`;

/** Only the active file (`…/audit.jsonl`) has sealed segments beside it; any other path is a file on its own. */
export const isActivePath = (path: string): boolean => basename(path) === AUDIT_FILE_NAME;

/** The sealed segments beside the active file, oldest first (none for a path that is not an active file). */
export async function listSealedSegments(activePath: string): Promise<Segment[]> {
  if (!isActivePath(activePath)) return [];
  const dir = dirname(activePath);
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (e) {
    // No directory: no segments (the caller's open of the active file reports the missing log).
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  const segments: Segment[] = [];
  for (const name of names) {
    const match = SEGMENT.exec(name);
    if (match !== null) segments.push({ path: join(dir, name), firstSeq: Number(match[1]) });
  }
  return segments.sort((a, b) => a.firstSeq - b.firstSeq);
}

/**
 * The seq of the first record in a file, or null if it holds no complete line. Parses only what a reader needs:
 * `audit verify` checks the record itself.
 */
export async function firstSeqOf(path: string): Promise<number | null> {
  const fh = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(MAX_RECORD_BYTES + 1);
    const { bytesRead } = await fh.read(buffer, 0, buffer.length, 0);
    const newline = buffer.subarray(0, bytesRead).indexOf(0x0a);
    if (newline === -1) return null;
    const seq = (JSON.parse(buffer.toString('utf8', 0, newline)) as { seq?: unknown }).seq;
    if (typeof seq !== 'number' || !Number.isSafeInteger(seq)) throw new Error(`the first line of ${path} has no seq`);
    return seq;
  } finally {
    await fh.close();
  }
}

/** The seq of the first record still on disk: the oldest sealed segment's, else the active file's (null: none). */
export async function firstAvailableSeq(activePath: string): Promise<number | null> {
  const [oldest] = await listSealedSegments(activePath);
  try {
    return await firstSeqOf(oldest?.path ?? activePath);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}
