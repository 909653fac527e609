// Makes text from agents safe to print: control characters, bidi overrides and invisible characters are
// replaced by visible escapes. Ink keeps SGR and OSC sequences (colours, hyperlinks), so it is no filter.

export type TextSegment = Readonly<{ text: string; escaped: boolean }>;

// C0/C1 controls and DEL (cursor moves, screen clears, OSC 52 clipboard writes), bidi embeddings, overrides
// and isolates (Trojan Source), zero-width and filler characters, line separators, and the tag and
// variation-selector blocks used to smuggle hidden text past a reader.
const UNSAFE =
  /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u115f\u1160\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\u3164\ufeff\ufff9-\ufffb\u{e0000}-\u{e007f}\u{e0100}-\u{e01ef}]/gu;

const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

const escapeChar = (char: string): string => {
  const named = NAMED[char];
  if (named !== undefined) return named;
  const code = char.codePointAt(0) ?? 0;
  if (code <= 0xff) return `\\x${code.toString(16).padStart(2, '0')}`;
  if (code <= 0xffff) return `\\u${code.toString(16).padStart(4, '0')}`;
  return `\\u{${code.toString(16)}}`;
};

/** Splits text into plain runs and escaped runs, so a view can set escapes apart from literal backslashes. */
export const escapeSegments = (text: string): TextSegment[] => {
  const segments: TextSegment[] = [];
  let last = 0;
  for (const match of text.matchAll(UNSAFE)) {
    const at = match.index ?? 0;
    if (at > last) segments.push({ text: text.slice(last, at), escaped: false });
    const escape = escapeChar(match[0]);
    const previous = segments.at(-1);
    // Adjacent escapes form one run, so a view styles `\x1b[2J`'s escape once rather than per character.
    if (previous?.escaped && at === last) segments[segments.length - 1] = { text: previous.text + escape, escaped: true };
    else segments.push({ text: escape, escaped: true });
    last = at + match[0].length;
  }
  if (last < text.length) segments.push({ text: text.slice(last), escaped: false });
  return segments;
};

/** The same escaping as one string, for places that cannot style runs (list cells). */
export const escapeTerminalText = (text: string): string => text.replace(UNSAFE, escapeChar);
