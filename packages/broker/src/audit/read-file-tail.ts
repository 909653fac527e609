// Reads the end of a file backwards in chunks, so that start-up recovery and `audit tail` never read a whole
// log. Lines are separated by "\n" only (docs/audit-format.md); a "\n" byte never occurs inside UTF-8 text.
import type { FileHandle } from 'node:fs/promises';

const CHUNK_BYTES = 64 * 1024;
const NEWLINE = 0x0a;

export type FileTail = Readonly<{
  /** Up to `maxLines` complete lines before `completeEnd`, oldest first, without their newlines. */
  lines: string[];
  /** Offset just after the last newline before `end`; 0 if the file has none; null if none within maxBytes. */
  completeEnd: number | null;
  /** The bytes after the last newline (a line still being written, or torn by a crash); empty if none. */
  torn: Buffer;
}>;

/** Reads backwards from `end` until `maxLines` complete lines are found, the file starts, or maxBytes are read. */
export async function readFileTail(fh: FileHandle, end: number, maxLines: number, maxBytes = Infinity): Promise<FileTail> {
  const parts: Buffer[] = [];
  let start = end;
  let newlines = 0;
  // One newline more than lines wanted: the one before the oldest wanted line marks where it begins.
  while (start > 0 && newlines < maxLines + 1 && end - start < maxBytes) {
    const size = Math.min(CHUNK_BYTES, start, maxBytes - (end - start));
    start -= size;
    const chunk = await readExactly(fh, start, size);
    newlines += countNewlines(chunk);
    parts.unshift(chunk);
  }
  const region = Buffer.concat(parts);
  const lastNewline = region.lastIndexOf(NEWLINE);
  if (lastNewline === -1) {
    return { lines: [], completeEnd: start === 0 ? 0 : null, torn: start === 0 ? region : Buffer.alloc(0) };
  }
  const pieces = region.subarray(0, lastNewline).toString('utf8').split('\n');
  // Unless the region starts at the file's start, its first piece may begin in the middle of a line.
  const whole = start === 0 ? pieces : pieces.slice(1);
  return {
    lines: maxLines === 0 ? [] : whole.slice(-maxLines),
    completeEnd: start + lastNewline + 1,
    torn: region.subarray(lastNewline + 1),
  };
}

async function readExactly(fh: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  let filled = 0;
  while (filled < length) {
    const { bytesRead } = await fh.read(buffer, filled, length - filled, position + filled);
    if (bytesRead === 0) throw new Error(`file shrank while reading its tail (at byte ${position + filled})`);
    filled += bytesRead;
  }
  return buffer;
}

function countNewlines(chunk: Buffer): number {
  let count = 0;
  for (let i = chunk.indexOf(NEWLINE); i !== -1; i = chunk.indexOf(NEWLINE, i + 1)) count++;
  return count;
}
