// Finding secrets in a stretch of latin1 text (one byte, one char, so masking keeps every other byte as it was):
// PEM blocks across lines, the line detectors on lines that may hold something, overlaps resolved, masks applied.
import { DETECTORS, HAS_ACCESS_KEY_ID, PEM_BEGIN, PEM_END, TRIGGER, maskText, type SecretKind } from './secret-detectors.js';

export type Found = Readonly<{ start: number; end: number; kind: SecretKind }>;
export type MaskCounts = Partial<Record<SecretKind, number>>;

/** Complete BEGIN…END private key blocks, and where an unfinished one begins. */
export const findPem = (text: string): { blocks: Found[]; openAt: number | undefined } => {
  const blocks: Found[] = [];
  const begin = new RegExp(PEM_BEGIN.source, 'g');
  const end = new RegExp(PEM_END.source, 'g');
  for (let b = begin.exec(text); b !== null; b = begin.exec(text)) {
    end.lastIndex = b.index + b[0].length;
    const e = end.exec(text);
    if (e === null) return { blocks, openAt: b.index };
    blocks.push({ start: b.index, end: e.index + e[0].length, kind: 'PrivateKey' });
    begin.lastIndex = e.index + e[0].length;
  }
  return { blocks, openAt: undefined };
};

const isTerminator = (code: number) => code === 0x0a || code === 0x0d;

export const lineStart = (text: string, at: number): number => {
  let i = at;
  while (i > 0 && !isTerminator(text.charCodeAt(i - 1))) i--;
  return i;
};

const lineEnd = (text: string, at: number, limit: number): number => {
  let i = at;
  while (i < limit && !isTerminator(text.charCodeAt(i))) i++;
  return i;
};

const scanLine = (line: string, offset: number, found: Found[]): void => {
  const hasKeyId = HAS_ACCESS_KEY_ID.test(line);
  for (const d of DETECTORS) {
    if (d.needsAccessKeyOnLine && !hasKeyId) continue;
    for (const m of line.matchAll(d.pattern)) {
      const start = offset + m.index + (m[1]?.length ?? 0);
      const end = offset + m.index + m[0].length;
      if (end > start) found.push({ start, end, kind: d.kind });
    }
  }
};

/** The line detectors over the lines of text[0, to): only lines where the trigger matches are scanned. */
export const findLineSecrets = (text: string, to: number): Found[] => {
  const found: Found[] = [];
  const trigger = new RegExp(TRIGGER.source, 'g');
  let scannedTo = 0;
  for (let t = trigger.exec(text); t !== null && t.index < to; t = trigger.exec(text)) {
    if (t.index < scannedTo) continue;
    const start = lineStart(text, t.index);
    const end = lineEnd(text, t.index, to);
    scanLine(text.slice(start, end), start, found);
    scannedTo = end;
    trigger.lastIndex = end;
  }
  return found;
};

/** Matches inside [from, to), earliest first, the longest of those starting together, none overlapping. */
export const resolveOverlaps = <F extends Pick<Found, 'start' | 'end'>>(found: readonly F[], from: number, to: number): F[] => {
  const inside = found.filter((f) => f.start >= from && f.end <= to).sort((a, b) => a.start - b.start || b.end - a.end);
  const kept: F[] = [];
  let until = from;
  for (const f of inside) {
    if (f.start < until) continue;
    kept.push(f);
    until = f.end;
  }
  return kept;
};

/** text[from, to) with each resolved match replaced by its mask, counted by kind. */
export const applyMasks = (text: string, from: number, to: number, resolved: readonly Found[], counts: MaskCounts): string => {
  let out = '';
  let at = from;
  for (const f of resolved) {
    out += text.slice(at, f.start) + maskText(f.kind, f.end - f.start);
    counts[f.kind] = (counts[f.kind] ?? 0) + 1;
    at = f.end;
  }
  return out + text.slice(at, to);
};
