// One session's .cast file on disk: opened for appending (0600), resumed after a broker restart (header kept,
// times continued, a torn last line cut off), and the running SHA-256 of every byte in it. The recorder
// (session-recorder.ts) serializes the calls; this module never writes concurrently to one file.
import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { fail, ok, type Result } from '@aws-guard/shared/result';
import { castHeaderLine, type CastHeader } from './cast-format.js';

export type RecordingCode = 'RECORDING_WRITE_FAILED' | 'RECORDING_NOT_FOUND';

export type CastFile = {
  readonly fh: FileHandle;
  readonly hash: Hash;
  bytes: number;
  /** When elapsed time 0 was, in ms since the epoch (the header's timestamp when resumed). */
  readonly startMs: number;
  /** The largest event time written so far: later events never go back before it. */
  lastElapsed: number;
};

const READ_CHUNK = 256 * 1024;

/** What a closed file's recorder remembers, so that reopening it need not read it again. */
export type CastFileState = Omit<CastFile, 'fh'>;

/**
 * Opens (creating with `header` when absent or empty) the file at `path`. `known` is the state when this process
 * last closed it: reused when the size still matches, else the file is read again. Rejects on I/O errors and a
 * bad header.
 */
export async function openCastFile(path: string, header: CastHeader, known?: CastFileState): Promise<CastFile> {
  const fh = await open(path, 'a+', 0o600);
  try {
    // The file holds masked output only, but still what an agent did: owner only, even if created by someone else.
    await fh.chmod(0o600);
    if (known !== undefined && (await fh.stat()).size === known.bytes) return { fh, ...known };
    const existing = await readExisting(fh);
    if (existing === null) {
      const file: CastFile = { fh, hash: createHash('sha256'), bytes: 0, startMs: header.timestamp * 1000, lastElapsed: 0 };
      await writeCast(file, castHeaderLine(header));
      return file;
    }
    return { fh, ...existing };
  } catch (e) {
    await fh.close();
    throw e;
  }
}

/** Appends text; the hash covers exactly the bytes written, so digest() is the SHA-256 of the file. */
export async function writeCast(file: CastFile, text: string): Promise<void> {
  const bytes = Buffer.from(text, 'utf8');
  for (let at = 0; at < bytes.length;) {
    const { bytesWritten } = await file.fh.write(bytes, at, bytes.length - at);
    at += bytesWritten;
  }
  file.hash.update(bytes);
  file.bytes += bytes.length;
}

/** The SHA-256 (hex) of the file so far, without ending the running hash. */
export const castDigest = (file: Pick<CastFile, 'hash'>): string => file.hash.copy().digest('hex');

async function readExisting(fh: FileHandle): Promise<CastFileState | null> {
  const { size } = await fh.stat();
  if (size === 0) return null;
  let hash = createHash('sha256');
  const buffer = Buffer.alloc(READ_CHUNK);
  let first: string | undefined;
  // The last complete line after the header: its time is where the resumed recording continues.
  let last: Buffer | undefined;
  let carry = Buffer.alloc(0);
  for (let at = 0; at < size;) {
    const { bytesRead } = await fh.read(buffer, 0, Math.min(READ_CHUNK, size - at), at);
    if (bytesRead === 0) break;
    at += bytesRead;
    const chunk = buffer.subarray(0, bytesRead);
    hash.update(chunk);
    let start = 0;
    for (let nl = chunk.indexOf(0x0a); nl !== -1; nl = chunk.indexOf(0x0a, start)) {
      const line = Buffer.concat([carry, chunk.subarray(start, nl)]);
      carry = Buffer.alloc(0);
      if (first === undefined) first = line.toString('utf8');
      else last = line;
      start = nl + 1;
    }
    carry = Buffer.concat([carry, chunk.subarray(start)]);
  }
  if (first === undefined) throw new Error('the recording has no complete header line');
  const header = JSON.parse(first) as Partial<CastHeader>;
  if (header.version !== 2 || typeof header.timestamp !== 'number') throw new Error('the recording does not start with an asciicast v2 header');
  const complete = size - carry.length;
  if (carry.length > 0) {
    // A torn last line (the broker died mid-write; no audited digest covers it): cut off, so appends stay valid.
    await fh.truncate(complete);
    hash = await hashPrefix(fh, complete);
  }
  return { hash, bytes: complete, startMs: header.timestamp * 1000, lastElapsed: last === undefined ? 0 : elapsedOf(last.toString('utf8')) };
}

async function hashPrefix(fh: FileHandle, length: number): Promise<Hash> {
  const hash = createHash('sha256');
  const buffer = Buffer.alloc(READ_CHUNK);
  for (let at = 0; at < length;) {
    const { bytesRead } = await fh.read(buffer, 0, Math.min(READ_CHUNK, length - at), at);
    if (bytesRead === 0) break;
    hash.update(buffer.subarray(0, bytesRead));
    at += bytesRead;
  }
  return hash;
}

const elapsedOf = (line: string): number => {
  const event: unknown = JSON.parse(line);
  return Array.isArray(event) && typeof event[0] === 'number' ? event[0] : 0;
};

/** The SHA-256 (hex) of a file this process holds no state for: a session dropped while idle, or never recorded. */
export async function digestOnDisk(path: string): Promise<Result<string, RecordingCode>> {
  const hash = createHash('sha256');
  try {
    for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'RECORDING_NOT_FOUND' : 'RECORDING_WRITE_FAILED';
    return fail(code, `cannot read the session recording ${path}: ${(e as Error).message}`);
  }
  return ok(hash.digest('hex'));
}
