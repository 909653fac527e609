// The policy's own `patterns` on a streamed command's output (custom commands have no document to walk): applied
// line by line after the stream masker, so a match never spans two lines and ordinary output waits at most a line.
import { resolveOverlaps } from './find-secrets.js';
import type { LeafPattern } from './find-leaf-secrets.js';
import { maskText } from './secret-detectors.js';

export type PatternLines = Readonly<{
  push: (chunk: Buffer) => Buffer[];
  end: () => Buffer[];
  /** Values masked so far, by the id of the rule whose pattern matched. */
  counts: () => Record<string, number>;
}>;

/** A line longer than this without a newline is masked and released as it is: a match across the cut is missed. */
export const PATTERN_MAX_HOLD_BYTES = 1024 * 1024;

export const createPatternLines = (patterns: readonly LeafPattern[], maxHold = PATTERN_MAX_HOLD_BYTES): PatternLines => {
  const counts: Record<string, number> = {};
  let held: Buffer = Buffer.alloc(0);

  const maskLine = (text: string): string => {
    const found: { start: number; end: number; name: string }[] = [];
    for (const p of patterns) {
      p.regex.lastIndex = 0;
      for (const m of text.matchAll(p.regex)) if (m[0].length > 0) found.push({ start: m.index, end: m.index + m[0].length, name: p.name });
    }
    if (found.length === 0) return text;
    let out = '';
    let at = 0;
    for (const f of resolveOverlaps(found, 0, text.length)) {
      out += text.slice(at, f.start) + maskText(f.name, [...text.slice(f.start, f.end)].length);
      counts[f.name] = (counts[f.name] ?? 0) + 1;
      at = f.end;
    }
    return out + text.slice(at);
  };
  // Cut at newline bytes, so the UTF-8 text of each line is whole and patterns see characters; one line at a time.
  const mask = (bytes: Buffer): Buffer => {
    if (bytes.length === 0) return bytes;
    const text = bytes.toString('utf8');
    const out = text.split('\n').map(maskLine).join('\n');
    return out === text ? bytes : Buffer.from(out, 'utf8');
  };

  return Object.freeze({
    push: (chunk: Buffer) => {
      held = held.length === 0 ? chunk : Buffer.concat([held, chunk]);
      const last = held.lastIndexOf(0x0a);
      if (last === -1) {
        if (held.length < maxHold) return [];
        const all = held;
        held = Buffer.alloc(0);
        return [mask(all)];
      }
      const lines = held.subarray(0, last + 1);
      held = held.subarray(last + 1);
      return [mask(lines)];
    },
    end: () => {
      const rest = held;
      held = Buffer.alloc(0);
      return rest.length === 0 ? [] : [mask(rest)];
    },
    counts: () => ({ ...counts }),
  });
};
