// How wide awscli/table.py thinks a string is (get_text_length): two columns for each code point that Unicode's
// East Asian Width calls Wide, Fullwidth or Ambiguous (é counts two), one for any other (combining marks too).
import { WIDE_RANGES } from './east-asian-wide.js';

const decode = (): { starts: Uint32Array; ends: Uint32Array } => {
  const parts = WIDE_RANGES.split(',').map((p) => parseInt(p, 36));
  const starts = new Uint32Array(parts.length / 2);
  const ends = new Uint32Array(parts.length / 2);
  let end = -1;
  for (let i = 0; i < starts.length; i++) {
    starts[i] = end + 1 + parts[2 * i]!;
    end = starts[i]! + parts[2 * i + 1]!;
    ends[i] = end;
  }
  return { starts, ends };
};

const { starts, ends } = decode();
/** Everything below U+00A1 is one column. */
const NARROW = /^[\x00-\xa0]*$/;

export const isWide = (codePoint: number): boolean => {
  if (codePoint < 0xa1) return false;
  let lo = 0;
  let hi = starts.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (codePoint < starts[mid]!) hi = mid - 1;
    else if (codePoint > ends[mid]!) lo = mid + 1;
    else return true;
  }
  return false;
};

export const textWidth = (text: string): number => {
  if (NARROW.test(text)) return text.length;
  let width = 0;
  for (const ch of text) width += isWide(ch.codePointAt(0)!) ? 2 : 1;
  return width;
};
