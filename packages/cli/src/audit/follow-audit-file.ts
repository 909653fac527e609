// Reads the complete lines an audit file gained after a byte offset, and follows it as the broker appends
// (`audit tail -f`), across the rotation of the active file into a segment. Polls rather than fs.watch: watch events are lost on some file systems (NFS, containers'
// bind mounts) and a poll of one stat per interval is cheap. Reads only; never creates or changes the file.
import { open, stat, type FileHandle } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';
import { listSealedSegments } from '@aws-guard/broker/audit/audit-segments';
import { MAX_RECORD_BYTES } from '@aws-guard/shared/audit/audit-record';

const NEWLINE = 0x0a;
/** Bytes read per call: a chunk always holds at least one whole record (records are at most MAX_RECORD_BYTES). */
export const READ_CHUNK_BYTES = 4 * MAX_RECORD_BYTES;
export const DEFAULT_POLL_MS = 250;

export type NewLines =
  | Readonly<{ ok: true; lines: string[]; next: number }>
  /** SHRANK: the file is shorter than what was read (replaced or truncated): following it further would mislead.
   *  LINE_TOO_LONG: no newline in a whole chunk, which no record can be; `audit verify` says more. */
  | Readonly<{ ok: false; code: 'AUDIT_LOG_SHRANK' | 'AUDIT_LINE_TOO_LONG' | 'AUDIT_LOG_REPLACED'; message: string }>;

/** The complete lines between `offset` and the file's end (at most READ_CHUNK_BYTES); `next` is where to go on. */
export async function readLinesFrom(path: string, offset: number, maxBytes = READ_CHUNK_BYTES): Promise<NewLines> {
  const fh = await open(path, 'r');
  try {
    return await readOpenLines(fh, path, offset, maxBytes);
  } finally {
    await fh.close();
  }
}

async function readOpenLines(fh: FileHandle, path: string, offset: number, maxBytes = READ_CHUNK_BYTES): Promise<NewLines> {
  const { size } = await fh.stat();
  if (size < offset) return { ok: false, code: 'AUDIT_LOG_SHRANK', message: `${path} shrank from ${offset} to ${size} bytes while followed` };
  const length = Math.min(size - offset, maxBytes);
  const buffer = Buffer.alloc(length);
  let filled = 0;
  while (filled < length) {
    const { bytesRead } = await fh.read(buffer, filled, length - filled, offset + filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  // A line without its newline yet is still being written: it is read again, whole, at the next call.
  const last = buffer.subarray(0, filled).lastIndexOf(NEWLINE);
  if (last === -1 && filled === maxBytes) {
    return { ok: false, code: 'AUDIT_LINE_TOO_LONG', message: `${path} has no line end within ${maxBytes} bytes of offset ${offset}` };
  }
  if (last === -1) return { ok: true, lines: [], next: offset };
  return { ok: true, lines: buffer.subarray(0, last).toString('utf8').split('\n'), next: offset + last + 1 };
}

export type FollowOptions = Readonly<{
  signal: AbortSignal;
  pollMs?: number;
  /** Injected by tests; resolves after `ms` or when `signal` aborts. */
  wait?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** The inode `offset` belongs to (the active file when it was read): a rotation since then is followed too. */
  ino?: number | null;
}>;

const defaultWait = (ms: number, signal: AbortSignal): Promise<void> =>
  delay(ms, undefined, { signal }).catch(() => undefined);

/**
 * Yields batches of new complete lines from `offset` on until `signal` aborts (then returns normally), or the
 * file shrinks (then yields the failure and returns). Across a rotation (the broker sealed the active file into a
 * segment and started a new one): the rest of the sealed file, any segment sealed since, then the new file.
 */
export async function* followLines(path: string, offset: number, opts: FollowOptions): AsyncGenerator<NewLines> {
  const wait = opts.wait ?? defaultWait;
  let next = offset;
  let followed = opts.ino ?? null;
  while (!opts.signal.aborted) {
    const fh = await open(path, 'r').catch((e: NodeJS.ErrnoException) => {
      // Between the rename of the full file and the creation of the new one: not there for a moment.
      if (e.code === 'ENOENT' && followed !== null) return null;
      throw e;
    });
    if (fh === null) {
      await wait(opts.pollMs ?? DEFAULT_POLL_MS, opts.signal);
      continue;
    }
    let read: NewLines;
    try {
      const { ino } = await fh.stat();
      if (followed !== null && ino !== followed) {
        for await (const batch of sealedSince(path, followed, next)) {
          yield batch;
          if (!batch.ok) return;
        }
        next = 0;
      }
      followed = ino;
      read = await readOpenLines(fh, path, next);
    } finally {
      await fh.close();
    }
    if (!read.ok) {
      yield read;
      return;
    }
    next = read.next;
    // After lines, read on at once: a full chunk may mean more is already waiting.
    if (read.lines.length > 0) yield read;
    else await wait(opts.pollMs ?? DEFAULT_POLL_MS, opts.signal);
  }
}

/** The lines of the followed file after `offset` (it is a sealed segment now), then of every segment after it. */
async function* sealedSince(path: string, ino: number, offset: number): AsyncGenerator<NewLines> {
  const sealed = await listSealedSegments(path);
  let from = -1;
  for (let i = sealed.length - 1; i >= 0 && from === -1; i--) if ((await stat(sealed[i]!.path)).ino === ino) from = i;
  if (from === -1) {
    yield { ok: false, code: 'AUDIT_LOG_REPLACED', message: `${path} was replaced while followed, and the file followed is not among its sealed segments` };
    return;
  }
  for (const [i, segment] of sealed.slice(from).entries()) {
    for (let at = i === 0 ? offset : 0; ;) {
      const read = await readLinesFrom(segment.path, at);
      if (!read.ok || read.lines.length === 0) {
        if (!read.ok) yield read;
        break;
      }
      yield read;
      at = read.next;
    }
  }
}
