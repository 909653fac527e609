// Where the embedded audit log lives under the data dir, and how readers (verify, tail) read it without
// holding a whole log in memory. The writer is audit-log.ts; both must agree on AUDIT_FILE_NAME.
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { MAX_RECORD_BYTES } from '@aws-guard/shared/audit/audit-record';
import { isActivePath, listSealedSegments } from './audit-segments.js';
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
 * Streams the lines of the audit log: given the active file (`…/audit.jsonl`), every sealed segment beside it in
 * order, then the active file (audit-segments.ts); given any other path, or a `range`, that one file (or range of
 * it). Rejects (on iteration) if a file cannot be read. `tornTail` is the active file's. A line longer than any
 * record can be is yielded cut at MAX_RECORD_BYTES + 1 bytes (it cannot parse), so memory stays bounded.
 */
export function readAuditLines(path: string, range?: ByteRange): AuditLineReader {
  const splitter: Splitter = { rest: Buffer.alloc(0), skipping: false };
  // createReadStream's `end` is inclusive; an empty range must read nothing (end: -1 would read everything).
  const bounds = range === undefined ? {} : { start: range.start, end: range.end - 1 };
  const lines = range !== undefined && range.end <= range.start ? (async function* () {})()
    : range !== undefined || !isActivePath(path) ? splitLines(createReadStream(path, { highWaterMark: READ_CHUNK_BYTES, ...bounds }), splitter)
      : segmentLines(path, splitter);
  return { lines, tornTail: () => (splitter.rest.length === 0 ? null : { bytes: splitter.rest.length }) };
}

/**
 * The sealed segments, then the active file. A rotation while reading is caught: the active file is opened before
 * the sealed ones are listed again, and if a segment appeared that was not read yet, the open file may be it, so
 * that segment is read and the active file opened anew. A missing active file with sealed segments before it is
 * a rotation cut short by a crash (the broker creates it at its next start): it reads as empty.
 */
async function* segmentLines(activePath: string, splitter: Splitter): AsyncGenerator<string> {
  let lastRead = 0;
  for (;;) {
    const fh = await open(activePath, 'r').catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return null;
      throw e;
    });
    const unread = (await listSealedSegments(activePath).catch(async (e: unknown) => {
      await fh?.close();
      throw e;
    })).filter((s) => s.firstSeq > lastRead);
    if (unread.length === 0) {
      if (fh === null) {
        if (lastRead > 0) return;
        throw Object.assign(new Error(`ENOENT: no such file or directory, open '${activePath}'`), { code: 'ENOENT' });
      }
      yield* splitLines(fh.createReadStream({ highWaterMark: READ_CHUNK_BYTES }), splitter);
      return;
    }
    await fh?.close();
    for (const segment of unread) {
      const sealed: Splitter = { rest: Buffer.alloc(0), skipping: false };
      yield* splitLines(createReadStream(segment.path, { highWaterMark: READ_CHUNK_BYTES }), sealed);
      // A sealed segment was fsynced whole before it was renamed: a partial last line is damage, not a write.
      if (sealed.rest.length > 0) throw new Error(`the sealed segment ${segment.path} ends with ${sealed.rest.length} bytes without a newline`);
      lastRead = segment.firstSeq;
    }
  }
}

type Splitter = { rest: Buffer; skipping: boolean };

/** Complete lines of a stream of chunks; what follows the last newline stays in `s.rest`. */
async function* splitLines(chunks: AsyncIterable<unknown>, s: Splitter): AsyncGenerator<string> {
  // Large reads, and one decode and split per chunk rather than per line: verify's throughput depends on it.
  for await (const chunk of chunks) {
    let data: Buffer = s.rest.length === 0 ? (chunk as Buffer) : Buffer.concat([s.rest, chunk as Buffer]);
    let start = 0;
    if (s.skipping) {
      const newline = data.indexOf(0x0a);
      if (newline === -1) {
        s.rest = Buffer.alloc(0);
        continue;
      }
      start = newline + 1;
      s.skipping = false;
    }
    const last = data.lastIndexOf(0x0a);
    if (last >= start) {
      yield* data.toString('utf8', start, last).split('\n');
      start = last + 1;
    }
    data = data.subarray(start);
    if (data.length > MAX_RECORD_BYTES) {
      yield data.subarray(0, MAX_RECORD_BYTES + 1).toString('utf8');
      s.skipping = true;
      data = Buffer.alloc(0);
    }
    s.rest = data;
  }
}

/** The last `count` complete lines of the audit log, oldest first (a torn last line is left out). */
export async function readLastLines(path: string, count: number): Promise<string[]> {
  return (await readLogTail(path, count)).lines;
}

/** The log's last lines, where the active file's complete lines end, and which file that is (to follow it). */
export type LogTail = Readonly<{ lines: string[]; activeEnd: number; activeIno: number | null }>;

/**
 * Reads the end of the active file and, when it holds fewer than `count` lines (just rotated), of the sealed
 * segments before it, newest first. Only the tail of each file is read.
 */
export async function readLogTail(path: string, count: number): Promise<LogTail> {
  const fh = await open(path, 'r').catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return null;
    throw e;
  });
  let lines: string[] = [];
  let activeEnd = 0;
  let activeIno: number | null = null;
  if (fh !== null) {
    try {
      const stats = await fh.stat();
      const tail = await readFileTail(fh, stats.size, count);
      lines = tail.lines;
      activeEnd = tail.completeEnd ?? stats.size;
      activeIno = stats.ino;
    } finally {
      await fh.close();
    }
  }
  const sealed = await listSealedSegments(path);
  if (fh === null && sealed.length === 0) throw Object.assign(new Error(`ENOENT: no such file or directory, open '${path}'`), { code: 'ENOENT' });
  for (const segment of sealed.reverse()) {
    if (lines.length >= count) break;
    const older = await open(segment.path, 'r');
    try {
      const stats = await older.stat();
      // Renamed after the active file was read: its lines are those already read.
      if (stats.ino === activeIno) continue;
      lines = [...(await readFileTail(older, stats.size, count - lines.length)).lines, ...lines];
    } finally {
      await older.close();
    }
  }
  return { lines, activeEnd, activeIno };
}
