// Where the embedded audit log lives under the data dir, and how readers (verify, tail) read it without
// holding a whole log in memory. The writer is audit-log.ts; both must agree on AUDIT_FILE_NAME.
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { MAX_RECORD_BYTES } from '@aws-guard/shared/audit/audit-record';
import { readFileTail } from './read-file-tail.js';

export const AUDIT_FILE_NAME = 'audit.jsonl';
const READ_CHUNK_BYTES = 256 * 1024;

/** The audit log's own directory under the broker's data dir (the broker writes there, readers read there). */
export const auditDirOf = (dataDir: string): string => join(dataDir, 'audit');

/** `dir` is the audit log's directory (auditDirOf(dataDir)), not the data dir. */
export const auditFilePath = (dir: string): string => join(dir, AUDIT_FILE_NAME);

export type AuditLineReader = Readonly<{
  /** Every newline-terminated line, in file order, without its newline. */
  lines: AsyncIterable<string>;
  /** After `lines` is exhausted: the bytes after the last newline, if any (a torn or unfinished write). */
  tornTail: () => Readonly<{ bytes: number }> | null;
}>;

/** Bytes [start, end) of a file; `start` must be the start of a line. */
export type ByteRange = Readonly<{ start: number; end: number }>;

/**
 * Streams the lines of an audit file (or of `range` of it). Rejects (on iteration) if the file cannot be read. A
 * line longer than any record can be is yielded cut at MAX_RECORD_BYTES + 1 bytes (it cannot parse), so memory
 * stays bounded.
 */
export function readAuditLines(path: string, range?: ByteRange): AuditLineReader {
  let rest: Buffer = Buffer.alloc(0);
  async function* lines(): AsyncGenerator<string> {
    let skipping = false;
    // Large reads, and one decode and split per chunk rather than per line: verify's throughput depends on it.
    // createReadStream's `end` is inclusive; an empty range must read nothing (end: -1 would read everything).
    if (range !== undefined && range.end <= range.start) return;
    const bounds = range === undefined ? {} : { start: range.start, end: range.end - 1 };
    for await (const chunk of createReadStream(path, { highWaterMark: READ_CHUNK_BYTES, ...bounds })) {
      let data: Buffer = rest.length === 0 ? (chunk as Buffer) : Buffer.concat([rest, chunk as Buffer]);
      let start = 0;
      if (skipping) {
        const newline = data.indexOf(0x0a);
        if (newline === -1) {
          rest = Buffer.alloc(0);
          continue;
        }
        start = newline + 1;
        skipping = false;
      }
      const last = data.lastIndexOf(0x0a);
      if (last >= start) {
        yield* data.toString('utf8', start, last).split('\n');
        start = last + 1;
      }
      data = data.subarray(start);
      if (data.length > MAX_RECORD_BYTES) {
        yield data.subarray(0, MAX_RECORD_BYTES + 1).toString('utf8');
        skipping = true;
        data = Buffer.alloc(0);
      }
      rest = data;
    }
  }
  return { lines: lines(), tornTail: () => (rest.length === 0 ? null : { bytes: rest.length }) };
}

/** The last `count` complete lines of an audit file, oldest first (a torn last line is left out). */
export async function readLastLines(path: string, count: number): Promise<string[]> {
  const fh = await open(path, 'r');
  try {
    const { size } = await fh.stat();
    return (await readFileTail(fh, size, count)).lines;
  } finally {
    await fh.close();
  }
}
