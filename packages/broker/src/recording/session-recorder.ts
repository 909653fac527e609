// Records each agent session (the token's session id) as an asciicast v2 file under the data dir's sessions/:
// the command line as typed, the masked output with its timing, approval waits as markers. It must only ever be
// given masked output (docs/masking.md); a write failure is reported as a value, never thrown at the broker.
import { createHash } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { ok, type Issue, type Result } from '@aws-guard/shared/result';
import { atLineStartAfter, castEventLine, castFileName, castHeader, promptLine, toTerminalNewlines, type CastEventCode } from './cast-format.js';
import { castDigest, digestOnDisk, openCastFile, writeCast, type CastFile, type CastFileState, type RecordingCode } from './cast-file.js';

export type { RecordingCode };
export type RecordingIssue = Issue<RecordingCode>;

export type CommandRecordingContext = Readonly<{
  sessionId: string;
  agent: string;
  human: string;
  requestId: string;
  argv: readonly string[];
  /** The agent's terminal width (CommandRun.terminal.columns); the header's width when the session starts. */
  columns: number | undefined;
}>;

export type CommandRecording = Readonly<{
  /** Masked output as sent to the agent. Both streams are recorded as output: asciicast has no stderr. */
  output: (stream: 'stdout' | 'stderr', chunk: Buffer) => void;
  /** A marker event (approval waits, queueing): `approval: waiting for alice`. */
  marker: (text: string) => void;
  /** Writes what is held, syncs the file and resolves with the SHA-256 of the file so far, for the audit. */
  end: (exitCode: number | null, reason: string) => Promise<Result<string, RecordingCode>>;
}>;

export type SessionRecorder = Readonly<{
  command: (ctx: CommandRecordingContext) => CommandRecording;
  /** SHA-256 (hex) of a session's file once everything recorded so far is written. */
  digest: (sessionId: string) => Promise<Result<string, RecordingCode>>;
  /** Why a session stopped being recorded, if it did. */
  failure: (sessionId: string) => RecordingIssue | undefined;
  /** Waits for every pending write and closes the files (broker shutdown). */
  close: () => Promise<void>;
  /** How many sessions the recorder holds state for (tests and diagnostics): idle ones are dropped. */
  size: () => number;
}>;

export type SessionRecorderOptions = Readonly<{
  /** The sessions directory (sessionsDirOf(dataDir)); created 0700. */
  dir: string;
  clock?: () => Date;
  /** Called once per session whose recording failed; the broker decides whether to fail closed. */
  onError?: (sessionId: string, issue: RecordingIssue) => void;
  /** How long a session with no command running keeps its state (ms); then it is dropped. Default 60 s. */
  idleMs?: number;
}>;

// Long enough that an agent's next command, seconds later, does not read its file again; short enough that a
// broker serving many sessions over weeks holds state only for the ones active lately.
const DEFAULT_IDLE_MS = 60_000;

// A partial line is held so that two overlapping commands interleave by whole lines; a line this long is
// written anyway (a progress bar without newlines, a binary dump) so memory stays bounded.
const MAX_HELD_CHARS = 64 * 1024;

type Pending = Readonly<{ atMs: number; code: CastEventCode; text: string }>;
type Session = {
  readonly path: string;
  readonly header: Parameters<typeof castHeader>[0];
  file: CastFile | undefined;
  /** Kept while no command is open, so that reopening does not read the file again. */
  closed: CastFileState | undefined;
  queue: Pending[];
  /** The chain of flushes: one at a time per session, in order. */
  tail: Promise<void>;
  active: number;
  failure: RecordingIssue | undefined;
  /** Drops the session once it has been idle for idleMs; cleared when a command starts. */
  idleTimer: NodeJS.Timeout | undefined;
};

const sha256Hex = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

export function createSessionRecorder(options: SessionRecorderOptions): SessionRecorder {
  const clock = options.clock ?? (() => new Date());
  const idleMs = options.idleMs ?? DEFAULT_IDLE_MS;
  const sessions = new Map<string, Session>();
  let madeDir: Promise<unknown> | undefined;

  const failWith = (sessionId: string, session: Session, e: unknown): void => {
    if (session.failure !== undefined) return;
    session.failure = { code: 'RECORDING_WRITE_FAILED', message: `cannot write the session recording ${session.path}: ${(e as Error).message}` };
    session.queue = [];
    options.onError?.(sessionId, session.failure);
  };

  const flush = async (sessionId: string, session: Session): Promise<void> => {
    if (session.failure !== undefined || session.queue.length === 0) return;
    try {
      // A failed mkdir is tried again by the next flush rather than failing every later session.
      madeDir ??= mkdir(options.dir, { recursive: true, mode: 0o700 }).catch((e: unknown) => {
        madeDir = undefined;
        throw e;
      });
      await madeDir;
      session.file ??= await openCastFile(session.path, castHeader(session.header), session.closed);
      const file = session.file;
      while (session.queue.length > 0) {
        const batch = session.queue;
        session.queue = [];
        let text = '';
        for (const event of batch) {
          // Never back in time (a clock step, a resumed file): players expect non-decreasing times.
          file.lastElapsed = Math.max(file.lastElapsed, (event.atMs - file.startMs) / 1000);
          text += castEventLine(file.lastElapsed, event.code, event.text);
        }
        await writeCast(file, text);
      }
    } catch (e) {
      failWith(sessionId, session, e);
    }
  };

  const schedule = (sessionId: string, session: Session, then?: (file: CastFile) => Promise<void>): Promise<void> => {
    session.tail = session.tail.then(async () => {
      await flush(sessionId, session);
      if (then !== undefined && session.file !== undefined && session.failure === undefined) {
        await then(session.file).catch((e: unknown) => failWith(sessionId, session, e));
      }
    });
    return session.tail;
  };

  const enqueue = (sessionId: string, session: Session, code: CastEventCode, text: string): void => {
    if (session.failure !== undefined || text === '') return;
    session.queue.push({ atMs: clock().getTime(), code, text });
    if (session.queue.length === 1) void schedule(sessionId, session);
  };

  const sessionFor = (ctx: CommandRecordingContext): Session => {
    let session = sessions.get(ctx.sessionId);
    if (session === undefined) {
      session = {
        path: join(options.dir, castFileName(ctx.sessionId, sha256Hex)),
        header: { columns: ctx.columns, startMs: clock().getTime(), agent: ctx.agent, human: ctx.human },
        file: undefined, closed: undefined, queue: [], tail: Promise.resolve(), active: 0, failure: undefined, idleTimer: undefined,
      };
      sessions.set(ctx.sessionId, session);
    }
    clearTimeout(session.idleTimer);
    session.idleTimer = undefined;
    return session;
  };

  // Dropping a session is what a broker restart does to it: a later command opens the file again, which keeps
  // the header, continues the times from the last event and re-reads the running digest (cast-file.ts), and a
  // session whose recording had failed is tried again.
  const dropWhenIdle = (sessionId: string, session: Session): void => {
    if (session.active > 0 || session.idleTimer !== undefined) return;
    session.idleTimer = setTimeout(() => {
      session.idleTimer = undefined;
      void schedule(sessionId, session, undefined).then(async () => {
        if (session.active > 0 || session.queue.length > 0 || session.idleTimer !== undefined || sessions.get(sessionId) !== session) return;
        sessions.delete(sessionId);
        // A failed session may still hold its handle (closeFile runs only on success).
        const file = session.file;
        session.file = undefined;
        await file?.fh.close().catch(() => undefined);
      });
    }, idleMs);
    session.idleTimer.unref();
  };

  const command = (ctx: CommandRecordingContext): CommandRecording => {
    const session = sessionFor(ctx);
    session.active++;
    const held = { stdout: '', stderr: '' };
    const decoders = { stdout: new StringDecoder('utf8'), stderr: new StringDecoder('utf8') };
    let atLineStart = true;
    let ended: Promise<Result<string, RecordingCode>> | undefined;
    const emit = (text: string): void => {
      if (text === '') return;
      atLineStart = atLineStartAfter(atLineStart, text);
      enqueue(ctx.sessionId, session, 'o', toTerminalNewlines(text));
    };
    enqueue(ctx.sessionId, session, 'o', promptLine(ctx.argv));
    return Object.freeze({
      output: (stream, chunk) => {
        if (ended !== undefined) return;
        const text = held[stream] + decoders[stream].write(chunk);
        const cut = Math.max(text.lastIndexOf('\n'), text.lastIndexOf('\r')) + 1;
        const keep = text.length - cut > MAX_HELD_CHARS ? text.length : cut;
        emit(text.slice(0, keep));
        held[stream] = text.slice(keep);
      },
      marker: (text) => {
        if (ended === undefined) enqueue(ctx.sessionId, session, 'm', text);
      },
      // The exit code and reason are the audit's to record; the recording shows only what the agent saw.
      end: (_exitCode, _reason) => {
        ended ??= (async () => {
          for (const stream of ['stdout', 'stderr'] as const) emit(held[stream] + decoders[stream].end());
          // The next prompt starts on a line of its own, as a shell's would.
          if (!atLineStart) enqueue(ctx.sessionId, session, 'o', '\r\n');
          let digest = '';
          await schedule(ctx.sessionId, session, async (file) => {
            await file.fh.datasync();
            digest = castDigest(file);
          });
          session.active--;
          if (session.active === 0) {
            await schedule(ctx.sessionId, session, async (file) => closeFile(session, file));
            dropWhenIdle(ctx.sessionId, session);
          }
          return session.failure === undefined ? ok(digest) : { ok: false, issue: session.failure };
        })();
        return ended;
      },
    });
  };

  const closeFile = async (session: Session, file: CastFile): Promise<void> => {
    // Only when idle: a command that started meanwhile keeps the handle.
    if (session.active > 0 || session.queue.length > 0) return;
    session.file = undefined;
    const { fh: _fh, ...state } = file;
    session.closed = state;
    await file.fh.close();
  };

  const digest = async (sessionId: string): Promise<Result<string, RecordingCode>> => {
    const session = sessions.get(sessionId);
    if (session === undefined) return digestOnDisk(join(options.dir, castFileName(sessionId, sha256Hex)));
    await schedule(sessionId, session);
    if (session.failure !== undefined) return { ok: false, issue: session.failure };
    const state = session.file ?? session.closed;
    return state === undefined ? digestOnDisk(session.path) : ok(castDigest(state));
  };

  const close = async (): Promise<void> => {
    for (const session of sessions.values()) {
      clearTimeout(session.idleTimer);
      session.idleTimer = undefined;
      await session.tail;
      const file = session.file;
      session.file = undefined;
      await file?.fh.close();
    }
  };

  return Object.freeze({ command, digest, failure: (sessionId: string) => sessions.get(sessionId)?.failure, close, size: () => sessions.size });
}
