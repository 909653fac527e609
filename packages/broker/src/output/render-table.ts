// `--output table`: awscli/table.py's MultiTable.render over the sections of table-sections.ts: column widths
// scaled to the widest section, a single-row section turned vertical when the table is wider than the terminal,
// and with `--color on` colorama's codes, including the reset it appends to every write.
import type { CliValue } from './cli-value.js';
import { cliCrash, type Rendered } from './rendered.js';
import { addRow, buildSections, newSection, TableShapeError, type Section } from './table-sections.js';
import { textWidth } from './text-width.js';

export type TableOptions = Readonly<{
  /** The section title: the operation's name (`DescribeInstances`). */
  title: string;
  /** The terminal's width as the CLI reads it from stdout; 80 when stdout is not a terminal. */
  columns: number;
  /** `--color on`; off and auto (the CLI's stdout is a pipe) print no colour. */
  color: boolean;
}>;

const RESET = '\x1b[0m';
const rowStyle = (color: boolean) => (text: string): string => (color ? `\x1b[1m\x1b[34m${text}${RESET}` : text);
const edgeStyle = (color: boolean): string => (color ? `\x1b[2m\x1b[33m|${RESET}` : '|');

/** Python's round(): halves go to the even neighbour. */
const roundHalfEven = (x: number): number => {
  const r = Math.round(x);
  return Math.abs(x - Math.trunc(x)) === 0.5 && r % 2 !== 0 ? r - 1 : r;
};

/** Section.calculate_column_widths: the widest cells plus padding, scaled to fill `maxWidth` exactly. */
const columnWidths = (section: Section, padding: number, maxWidth?: number): number[] => {
  const unscaled = section.maxWidths.map((w) => w + padding);
  if (maxWidth === undefined || unscaled.length === 0) return unscaled;
  const scale = maxWidth / unscaled.reduce((a, b) => a + b, 0);
  const scaled = unscaled.map((w) => roundHalfEven(scale * w));
  let offBy = scaled.reduce((a, b) => a + b, 0) - maxWidth;
  while (offBy !== 0) {
    const order = scaled.map((_, i) => i);
    if (offBy < 0) order.reverse();
    for (const i of order) {
      if (offBy > 0) {
        scaled[i]!--;
        offBy--;
      } else {
        scaled[i]!++;
        offBy++;
      }
      if (offBy === 0) break;
    }
  }
  return scaled;
};

const totalWidth = (section: Section): number => {
  const outer = 2 * section.indentLevel;
  const columns = columnWidths(section, 0).reduce((total, w) => total + w + 4, 0) + 2 + outer;
  return Math.max(textWidth(section.title ?? 'None') + 2 + outer, columns);
};

const spaces = (n: number): string => (n > 0 ? ' '.repeat(n) : '');

const centerText = (text: string, length: number, leftEdge: string, rightEdge: string, textLength: number): string => {
  const charStart = Math.floor(length / 2) - Math.floor(textLength / 2) - 1;
  const soFar = textWidth(leftEdge) + charStart + textLength;
  return `${leftEdge}${spaces(charStart)}${text}${spaces(length - textWidth(rightEdge) - soFar)}${rightEdge}`;
};

const alignLeft = (text: string, length: number, leftEdge: string, rightEdge: string, textLength: number): string => {
  const padding = length - (textLength + 2 + textWidth(leftEdge) + textWidth(rightEdge)) >= 0 ? 2 : 0;
  const soFar = leftEdge.length + padding + textLength;
  return `${leftEdge}${spaces(padding)}${text}${spaces(length - soFar - rightEdge.length)}${rightEdge}`;
};

const lineBreak = (widths: readonly number[]): string =>
  `${widths.map((w, i) => (i === 0 ? `+${'-'.repeat(Math.max(w - 2, 0))}+` : `${'-'.repeat(Math.max(w - 1, 0))}+`)).join('')}\n`;

/** convert_to_vertical_table: a section of one row becomes one row per column, `header | value`. */
const toVertical = (sections: Section[]): Section[] =>
  sections.map((s) => {
    if (s.rows.length !== 1 || s.headers.length === 0) return s;
    const vertical = newSection(s.title, s.indentLevel);
    s.headers.forEach((h, i) => {
      if (i < s.rows[0]!.length) addRow(vertical, [h, s.rows[0]![i]!]);
    });
    return vertical;
  });

export const renderTable = (value: CliValue, options: TableOptions): Rendered => {
  let sections: Section[];
  try {
    sections = buildSections(options.title, value);
  } catch (e) {
    if (!(e instanceof TableShapeError)) throw e;
    return cliCrash(e.message, '', options.color);
  }
  if (sections.length === 0) return { ok: true, value: '' };
  const widest = (list: Section[]): number => list.reduce((w, s) => Math.max(w, totalWidth(s)), -Infinity);
  let maxWidth = widest(sections);
  if (maxWidth > options.columns) {
    sections = toVertical(sections);
    maxWidth = widest(sections);
  }
  // Every write() the CLI makes, in order: with colour, colorama appends a reset to each one, empty ones too.
  const writes: string[] = [`${'-'.repeat(maxWidth)}\n`];
  const styleRow = rowStyle(options.color);
  const edge = edgeStyle(options.color);
  for (const section of sections) {
    const indent = edge.repeat(section.indentLevel);
    // IndentedStream.write: the left edges, then a line's text, the right edges and its newline separately.
    const write = (text: string): void => {
      if (text.endsWith('\n')) writes.push(indent, text.slice(0, -1), indent, '\n');
      else writes.push(indent, text);
    };
    const width = maxWidth - section.indentLevel * 2;
    if (section.title) {
      write(`${centerText(section.title, width, '|', '|', textWidth(section.title))}\n`);
      if (section.headers.length === 0 && section.rows.length === 0) write(`+${'-'.repeat(Math.max(width - 2, 0))}+\n`);
    }
    if (section.headers.length > 0) {
      const widths = columnWidths(section, 4, width);
      const titles = section.headers.map((h, i) => centerText(h, widths[i] ?? 0, i === 0 ? '|' : '', '|', textWidth(h)));
      write(lineBreak(widths));
      write(`${titles.join('')}\n`);
    }
    if (section.rows.length > 0) {
      const widths = columnWidths(section, 4, width);
      if (widths.length === 0) continue;
      write(lineBreak(widths));
      for (const row of section.rows) {
        const cells = row.slice(0, widths.length).map((cell, i) => alignLeft(styleRow(cell), widths[i]!, i === 0 ? '|' : '', '|', textWidth(cell)));
        write(`${cells.join('')}\n`);
      }
      write(lineBreak(widths));
    }
  }
  return { ok: true, value: options.color ? writes.map((w) => w + RESET).join('') : writes.join('') };
};
