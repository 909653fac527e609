// The low-level writing of libyaml's emitter (the C emitter ruamel.yaml uses for CLI v2's `--output yaml`):
// indentation, indicators, and plain, single- and double-quoted scalars folded at 80 columns, counted in
// characters as libyaml counts them.

export type Writer = {
  out: string;
  column: number;
  /** The last thing written was whitespace (or nothing): no separating space needed. */
  whitespace: boolean;
  /** Only indentation so far on this line. */
  indention: boolean;
  indent: number;
  indents: number[];
  flowLevel: number;
};

const BEST_WIDTH = 80;
const BEST_INDENT = 2;

export const newWriter = (): Writer => ({ out: '', column: 0, whitespace: true, indention: true, indent: -1, indents: [], flowLevel: 0 });

export const isBreak = (c: number): boolean => c === 0x0a || c === 0x0d || c === 0x85 || c === 0x2028 || c === 0x2029;

/** libyaml's IS_PRINTABLE: note that it leaves out tab and everything beyond U+FFFF (emoji). */
export const isPrintable = (c: number): boolean =>
  c === 0x0a || (c >= 0x20 && c <= 0x7e) || (c >= 0xa0 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd && c !== 0xfeff);

const put = (w: Writer, text: string): void => {
  w.out += text;
  w.column += text.length; // callers put ASCII only
};

const putBreak = (w: Writer): void => {
  w.out += '\n';
  w.column = 0;
};

/** A line break the value holds: `\n` is written as a newline, the others as themselves. */
const writeBreak = (w: Writer, ch: string): void => {
  if (ch === '\n') putBreak(w);
  else {
    w.out += ch;
    w.column = 0;
  }
};

const write = (w: Writer, ch: string): void => {
  w.out += ch;
  w.column++;
};

export const increaseIndent = (w: Writer, flow: boolean, indentless: boolean): void => {
  w.indents.push(w.indent);
  if (w.indent < 0) w.indent = flow ? BEST_INDENT : 0;
  else if (!indentless) w.indent += BEST_INDENT;
};

export const popIndent = (w: Writer): void => {
  w.indent = w.indents.pop() ?? -1;
};

export const writeIndent = (w: Writer): void => {
  const indent = Math.max(w.indent, 0);
  if (!w.indention || w.column > indent || (w.column === indent && !w.whitespace)) putBreak(w);
  while (w.column < indent) put(w, ' ');
  w.whitespace = true;
  w.indention = true;
};

export const writeIndicator = (w: Writer, indicator: string, needWhitespace: boolean, isWhitespace: boolean, isIndention: boolean): void => {
  if (needWhitespace && !w.whitespace) put(w, ' ');
  put(w, indicator);
  w.whitespace = isWhitespace;
  w.indention = w.indention && isIndention;
};

export const writeAnchor = (w: Writer, anchor: string): void => {
  put(w, anchor);
  w.whitespace = false;
  w.indention = false;
};

/** A fold: at a single space past the width, a line break (and indentation) replaces it. */
const canFold = (w: Writer, allowBreaks: boolean, spaces: boolean): boolean => allowBreaks && !spaces && w.column > BEST_WIDTH;

export const writePlain = (w: Writer, chars: readonly string[], allowBreaks: boolean): void => {
  if (!w.whitespace && (chars.length > 0 || w.flowLevel > 0)) put(w, ' ');
  let spaces = false;
  let breaks = false;
  chars.forEach((ch, i) => {
    if (ch === ' ') {
      if (canFold(w, allowBreaks, spaces) && chars[i + 1] !== ' ') writeIndent(w);
      else write(w, ch);
      spaces = true;
    } else if (isBreak(ch.codePointAt(0)!)) {
      if (!breaks && ch === '\n') putBreak(w);
      writeBreak(w, ch);
      w.indention = true;
      breaks = true;
    } else {
      if (breaks) writeIndent(w);
      write(w, ch);
      w.indention = false;
      spaces = false;
      breaks = false;
    }
  });
  w.whitespace = false;
  w.indention = false;
};

export const writeSingleQuoted = (w: Writer, chars: readonly string[], allowBreaks: boolean): void => {
  writeIndicator(w, "'", true, false, false);
  let spaces = false;
  let breaks = false;
  chars.forEach((ch, i) => {
    if (ch === ' ') {
      if (canFold(w, allowBreaks, spaces) && i !== 0 && i !== chars.length - 1 && chars[i + 1] !== ' ') writeIndent(w);
      else write(w, ch);
      spaces = true;
    } else if (isBreak(ch.codePointAt(0)!)) {
      if (!breaks && ch === '\n') putBreak(w);
      writeBreak(w, ch);
      w.indention = true;
      breaks = true;
    } else {
      if (breaks) writeIndent(w);
      if (ch === "'") put(w, "'");
      write(w, ch);
      w.indention = false;
      spaces = false;
      breaks = false;
    }
  });
  if (breaks) writeIndent(w);
  writeIndicator(w, "'", false, false, false);
  w.whitespace = false;
  w.indention = false;
};

const ESCAPES: Readonly<Record<number, string>> = {
  0x00: '0', 0x07: 'a', 0x08: 'b', 0x09: 't', 0x0a: 'n', 0x0b: 'v', 0x0c: 'f', 0x0d: 'r', 0x1b: 'e',
  0x22: '"', 0x5c: '\\', 0x85: 'N', 0xa0: '_', 0x2028: 'L', 0x2029: 'P',
};

const escape = (c: number): string => {
  const named = ESCAPES[c];
  if (named !== undefined) return `\\${named}`;
  const hex = c.toString(16).toUpperCase();
  if (c <= 0xff) return `\\x${hex.padStart(2, '0')}`;
  if (c <= 0xffff) return `\\u${hex.padStart(4, '0')}`;
  return `\\U${hex.padStart(8, '0')}`;
};

export const writeDoubleQuoted = (w: Writer, chars: readonly string[], allowBreaks: boolean): void => {
  writeIndicator(w, '"', true, false, false);
  let spaces = false;
  chars.forEach((ch, i) => {
    const c = ch.codePointAt(0)!;
    if (!isPrintable(c) || c === 0xfeff || isBreak(c) || ch === '"' || ch === '\\') {
      put(w, escape(c));
      spaces = false;
    } else if (ch === ' ') {
      if (canFold(w, allowBreaks, spaces) && i !== 0 && i !== chars.length - 1) {
        writeIndent(w);
        if (chars[i + 1] === ' ') put(w, '\\');
      } else write(w, ch);
      spaces = true;
    } else {
      write(w, ch);
      spaces = false;
    }
  });
  writeIndicator(w, '"', false, false, false);
  w.whitespace = false;
  w.indention = false;
};
