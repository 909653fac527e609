// `aws-guard replay SESSION`: plays a recording to stdout with its timing (speed factor, idle pauses capped)
// until it ends or Ctrl-C. The waiting is injected so that tests check the delays without waiting them.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { castFileName, sessionsDirOf } from '@aws-guard/broker/recording/cast-format';
import { UserFacingError } from '@aws-guard/shared/errors';
import { escapeForTerminal } from '../audit/format-audit-record.js';
import { auditDataDir } from './audit-data-dir.js';
import { INTERRUPTED_EXIT, type CommandContext } from './command-context.js';
import { parseCast, scheduleFrames } from './replay-frames.js';

export type ReplayOptions = Readonly<{ dataDir?: string; speed?: string; idleLimit?: string }>;
export type ReplayIo = Pick<CommandContext, 'env' | 'stdout' | 'stderr'>;
export type ReplayDeps = Readonly<{
  /** Waits `ms`; resolves early (without error) when the signal aborts. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Stops the replay; by default SIGINT (Ctrl-C) does. */
  signal?: AbortSignal;
}>;

/** The exit code of a replay stopped by Ctrl-C, as a shell reports an interrupted program (shared with tail -f). */
export { INTERRUPTED_EXIT };
// Leaves the viewer's terminal as it found it: colours off, cursor shown, on a fresh line.
const RESET = '\u001b[0m\u001b[?25h\r\n';

export async function runReplay(session: string, opts: ReplayOptions, io: ReplayIo, deps: ReplayDeps = {}): Promise<number> {
  const play = { speed: positive('--speed', opts.speed, 1), idleLimitSeconds: positive('--idle-limit', opts.idleLimit, Infinity) };
  const path = recordingPath(session, opts.dataDir, io);
  const text = await readFile(path, 'utf8').catch((e: unknown) => {
    const missing = (e as NodeJS.ErrnoException).code === 'ENOENT';
    throw new UserFacingError(missing ? 'REPLAY_NOT_FOUND' : 'REPLAY_UNREADABLE',
      missing ? `no recording of session ${escapeForTerminal(session)} at ${path} (see \`aws-guard sessions\`)` : `cannot read ${path}: ${(e as Error).message}`, 1);
  });
  const cast = parseCast(text);
  if (!cast.ok) throw new UserFacingError(cast.issue.code, `${path}: ${cast.issue.message}`, 1);
  const frames = scheduleFrames(cast.value.events, play);

  const controller = new AbortController();
  const onSigint = () => controller.abort();
  if (deps.signal === undefined) process.once('SIGINT', onSigint);
  const signal = deps.signal ?? controller.signal;
  const sleep = deps.sleep ?? abortableSleep;
  try {
    for (const frame of frames) {
      if (frame.delayMs > 0) await sleep(frame.delayMs, signal);
      if (signal.aborted) {
        io.stdout.write(RESET);
        return INTERRUPTED_EXIT;
      }
      io.stdout.write(frame.text);
    }
    return 0;
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
}

/** A path (it names a file: has a `/` or ends in .cast) or a session id looked up under the data dir. */
function recordingPath(session: string, dataDir: string | undefined, io: ReplayIo): string {
  if (session.includes('/') || session.endsWith('.cast')) return session;
  return join(sessionsDirOf(auditDataDir(dataDir, io)), castFileName(session, (t) => createHash('sha256').update(t, 'utf8').digest('hex')));
}

function positive(option: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0) throw new UserFacingError('REPLAY_USAGE', `replay: ${option} must be a positive number, not ${value}`, 2);
  return n;
}

const abortableSleep = async (ms: number, signal: AbortSignal): Promise<void> => {
  // An abort is how Ctrl-C ends the wait: the caller sees signal.aborted, not an exception.
  await delay(ms, undefined, { signal }).catch((e: unknown) => {
    if ((e as Error).name !== 'AbortError') throw e;
  });
};
