// The command as the on-call engineer reads it: `aws` plus each argument, shell-quoted when needed and with
// unsafe characters escaped. For reading, not for pasting: long arguments are cut with a marker.
import { escapeSegments, type TextSegment } from './escape-terminal-text.js';

const BARE = /^[A-Za-z0-9_@%+=:,./-]+$/;

// A single argument can be up to 256 KiB on the wire (protocol limit); a screenful is enough to judge it.
const MAX_ARG_CHARS = 2000;

const quoteSegments = (arg: string): TextSegment[] => {
  if (BARE.test(arg)) return escapeSegments(arg);
  const quoted = escapeSegments(arg).map((s) => (s.escaped ? s : { text: s.text.replaceAll("'", `'\\''`), escaped: false }));
  return [{ text: "'", escaped: false }, ...quoted, { text: "'", escaped: false }];
};

export const formatArgv = (argv: readonly string[]): TextSegment[] => {
  const segments: TextSegment[] = [{ text: 'aws', escaped: false }];
  for (const arg of argv) {
    segments.push({ text: ' ', escaped: false });
    const chars = Array.from(arg);
    if (chars.length <= MAX_ARG_CHARS) {
      segments.push(...quoteSegments(arg));
      continue;
    }
    segments.push(...quoteSegments(chars.slice(0, MAX_ARG_CHARS).join('')));
    // Marked as escaped so it is styled apart from the argument's own text.
    segments.push({ text: `[… ${chars.length - MAX_ARG_CHARS} more characters]`, escaped: true });
  }
  return segments;
};
