// The asciicast v2 encoding of a session recording (https://docs.asciinema.org/manual/asciicast/v2/): where a
// session's file lives, its header and event lines, and the command line as a terminal would show it. No I/O.
import { join } from 'node:path';

/** The directory of the recordings under the broker's data dir; the `sessions` command reads it too. */
export const sessionsDirOf = (dataDir: string): string => join(dataDir, 'sessions');

const SAFE_NAME = /^[A-Za-z0-9_-]{1,160}$/;
const MAX_ENCODED = 200;

/**
 * A session id (any non-empty string from a token) as a file name that cannot leave the directory: kept as it is
 * when made only of [A-Za-z0-9_-] (the broker's own `ses_…` ids), else %-encoded byte by byte, else (too long)
 * `%sha256-…`. The three forms never collide: only the last two contain `%`, and `%s` is not a %-escape.
 */
export const castFileName = (sessionId: string, sha256Hex: (text: string) => string): string => {
  if (SAFE_NAME.test(sessionId)) return `${sessionId}.cast`;
  const encoded = Array.from(Buffer.from(sessionId, 'utf8'), (b) =>
    (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || b === 0x5f || b === 0x2d
      ? String.fromCharCode(b)
      : `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('');
  return `${encoded.length <= MAX_ENCODED ? encoded : `%sha256-${sha256Hex(sessionId)}`}.cast`;
};

export type CastHeader = Readonly<{
  version: 2;
  width: number;
  height: number;
  /** Unix seconds when the recording started. */
  timestamp: number;
  title: string;
  env: Readonly<Record<string, string>>;
}>;

export const DEFAULT_WIDTH = 80;
export const DEFAULT_HEIGHT = 24;

export const castHeader = (o: { columns: number | undefined; startMs: number; agent: string; human: string }): CastHeader => ({
  version: 2,
  width: o.columns ?? DEFAULT_WIDTH,
  height: DEFAULT_HEIGHT,
  timestamp: Math.floor(o.startMs / 1000),
  title: `${o.agent} for ${o.human}`,
  // Players read TERM and SHELL only; no other environment is recorded (the agent's may hold anything).
  env: { TERM: 'xterm-256color', SHELL: '/bin/sh' },
});

/** `o` output, `m` marker (asciicast v2); `i` (input) is never recorded: the agent types nothing interactively. */
export type CastEventCode = 'o' | 'm';

/** One event line; elapsed seconds with microsecond precision, as asciinema writes them. */
export const castEventLine = (elapsedSeconds: number, code: CastEventCode, text: string): string =>
  `${JSON.stringify([Math.round(elapsedSeconds * 1e6) / 1e6, code, text])}\n`;

export const castHeaderLine = (header: CastHeader): string => `${JSON.stringify(header)}\n`;

/** A terminal in cooked mode shows `\n` as `\r\n`; a `\r\n` already there stays as it is. */
export const toTerminalNewlines = (text: string): string => text.replace(/\r?\n/g, '\r\n');

// Sequences that print nothing and leave the cursor where it is: SGR colours (`ESC[0m`), modes (`ESC[?25h`),
// erasing (`ESC[K`), OSC strings (titles), character set choices (`ESC(B`).
const INVISIBLE = /\u001b\[[0-9;?]*[mhlKJ]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)|\u001b[()][0-9A-Za-z]/g;

/**
 * Whether the cursor is at a line's start after `text`, given whether it was before: after a `\n` followed by
 * nothing visible (a colour reset is), or as before when `text` is only such sequences.
 */
export const atLineStartAfter = (before: boolean, text: string): boolean => {
  const nl = text.lastIndexOf('\n');
  if (text.slice(nl + 1).replace(INVISIBLE, '') !== '') return false;
  return nl >= 0 || before;
};

const BARE_ARG = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** POSIX single quotes, as a user would type the argument (`'it'\''s'`). */
export const shellQuote = (arg: string): string => (BARE_ARG.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`);

/** The prompt line of one command: `$ aws s3 ls 's3://my bucket'` then a newline, as typed. */
export const promptLine = (argv: readonly string[]): string =>
  toTerminalNewlines(`$ ${['aws', ...argv].map(shellQuote).join(' ')}\n`);
