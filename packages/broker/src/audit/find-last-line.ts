// Reads a log backwards from a byte offset to find the last line that a caller accepts, so start-up reads only
// back to the record it needs (the last checkpoint, the last start) rather than the whole log.
import { open } from 'node:fs/promises';

const CHUNK_BYTES = 256 * 1024;
const NEWLINE = 0x0a;

/** The accepted line's value and its bytes in the file: `start` of the line, `end` just after its newline. */
export type FoundLine<T> = Readonly<{ value: T; start: number; end: number }>;

/**
 * The last line before `end` (which must be just after a newline) that contains one of `markers` and for which
 * `accept` returns non-null. The markers are a cheap byte test; `accept` parses and checks.
 */
export async function findLastLine<T>(
  path: string, end: number, markers: readonly string[], accept: (line: string) => T | null,
): Promise<FoundLine<T> | null> {
  const needles = markers.map((marker) => Buffer.from(marker, 'utf8'));
  const fh = await open(path, 'r');
  try {
    let position = end;
    // The start of a line that began before the bytes read so far, without its newline.
    let carry = Buffer.alloc(0);
    while (position > 0) {
      const size = Math.min(CHUNK_BYTES, position);
      position -= size;
      const chunk = Buffer.alloc(size);
      let filled = 0;
      while (filled < size) {
        const { bytesRead } = await fh.read(chunk, filled, size - filled, position + filled);
        if (bytesRead === 0) throw new Error(`${path} shrank while being read (at byte ${position + filled})`);
        filled += bytesRead;
      }
      const region = Buffer.concat([chunk, carry]);
      // Unless at the file's start, the first piece may be the end of a line that began earlier: keep it for
      // the next round, which reads the bytes before it.
      const firstNewline = position === 0 ? -1 : region.indexOf(NEWLINE);
      if (firstNewline === -1 && position > 0) {
        carry = region;
        continue;
      }
      const base = position + firstNewline + 1;
      const found = lastIn(region.subarray(firstNewline + 1), base, needles, accept);
      if (found !== null) return found;
      carry = firstNewline === -1 ? Buffer.alloc(0) : region.subarray(0, firstNewline);
    }
    return null;
  } finally {
    await fh.close();
  }
}

/** `whole` holds complete lines starting at file offset `base`; its last line may lack its newline (carried). */
function lastIn<T>(
  whole: Buffer, base: number, needles: Buffer[], accept: (line: string) => T | null,
): FoundLine<T> | null {
  let lineEnd = whole.length > 0 && whole[whole.length - 1] === NEWLINE ? whole.length - 1 : whole.length;
  while (lineEnd > 0) {
    const lineStart = whole.lastIndexOf(NEWLINE, lineEnd - 1) + 1;
    const line = whole.subarray(lineStart, lineEnd);
    if (needles.some((needle) => line.includes(needle))) {
      const value = accept(line.toString('utf8'));
      // Every line here is followed by a newline in the file: `end` of findLastLine is just after one.
      if (value !== null) return { value, start: base + lineStart, end: base + lineEnd + 1 };
    }
    lineEnd = lineStart - 1;
  }
  return null;
}
