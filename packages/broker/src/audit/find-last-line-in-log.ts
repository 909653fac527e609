// Start-up's backward reads across segments: the last line a caller accepts, looked for in the active file first
// and then in the sealed segments before it, newest first (docs/audit-format.md "Segments").
import { stat } from 'node:fs/promises';
import { listSealedSegments } from './audit-segments.js';
import { findLastLine, type FoundLine } from './find-last-line.js';

/** The found line and the file it is in. */
export type FoundInLog<T> = FoundLine<T> & Readonly<{ path: string }>;

/** `end`: where the active file's chain ends (just after a newline); sealed segments are read whole. */
export async function findLastLineInLog<T>(
  activePath: string, end: number, markers: readonly string[], accept: (line: string) => T | null,
): Promise<FoundInLog<T> | null> {
  const inActive = end === 0 ? null : await findLastLine(activePath, end, markers, accept);
  if (inActive !== null) return { ...inActive, path: activePath };
  for (const segment of (await listSealedSegments(activePath)).reverse()) {
    const found = await findLastLine(segment.path, (await stat(segment.path)).size, markers, accept);
    if (found !== null) return { ...found, path: segment.path };
  }
  return null;
}
