// Masks secrets in one output stream as it flows: complete lines go out at once, only the current incomplete
// line (or an open PEM block) is held, both bounded; a secret split across chunks is masked all the same.
import { PEM_END, PEM_END_MAX_CHARS, TRIGGER, isValueChar, maskText, type SecretKind } from './secret-detectors.js';
import { applyMasks, findLineSecrets, findPem, lineStart, resolveOverlaps, type Found, type MaskCounts } from './find-secrets.js';

export type { MaskCounts } from './find-secrets.js';

export type StreamMaskerOptions = Readonly<{
  /** The most held back at once: a longer line without a newline, or a longer open PEM block, is cut. */
  maxHoldBytes?: number;
}>;

export type StreamMasker = Readonly<{
  /** Takes the next chunk; returns what may be released now (possibly nothing). */
  push: (chunk: Buffer) => Buffer[];
  /** The stream ended: releases everything still held, masked. */
  end: () => Buffer[];
  /** How many values were masked so far, by kind. */
  counts: () => MaskCounts;
}>;

export const DEFAULT_MAX_HOLD_BYTES = 64 * 1024;
/** Raw text kept before a cut inside a long line, so that a key name still gives its value away. */
const CONTEXT_CHARS = 256;
const EMPTY = Buffer.alloc(0);

const latin1 = (b: Buffer) => b.toString('latin1');
const bytes = (s: string) => Buffer.from(s, 'latin1');

const lastTerminator = (b: Buffer): number => Math.max(b.lastIndexOf(0x0a), b.lastIndexOf(0x0d));

export const createStreamMasker = (options: StreamMaskerOptions = {}): StreamMasker => {
  const limit = Math.max(options.maxHoldBytes ?? DEFAULT_MAX_HOLD_BYTES, 256);
  // A cut inside a long line keeps at least this much held, so that no bounded secret straddles it.
  const overlap = Math.min(4096, Math.floor(limit / 4));
  const counts: MaskCounts = {};
  let held: Buffer = EMPTY;
  /** pem: `held` lies inside a private key block whose start was already masked and released. */
  let mode: 'line' | 'pem' = 'line';
  /** Raw text released just before `held`, when `held` starts mid-line: context for the detectors. */
  let ctx = '';
  /** A masked value reached the end of a cut: its continuation at the start of `held` is masked too. */
  let carry: SecretKind | undefined;

  const masked = (text: string, from: number, to: number, found: readonly Found[]): Buffer | undefined => {
    const list = resolveOverlaps(found, from, to);
    return list.length === 0 ? undefined : bytes(applyMasks(text, from, to, list, counts));
  };
  const release = (out: Buffer[], n: number, replaced: Buffer | undefined) => {
    if (n === 0) return;
    out.push(replaced ?? held.subarray(0, n));
    held = held.subarray(n);
  };
  const enterPem = () => {
    counts.PrivateKey = (counts.PrivateKey ?? 0) + 1;
    mode = 'pem';
    ctx = '';
  };

  const releaseCarry = (out: Buffer[], final: boolean) => {
    const kind = carry ?? 'SessionToken';
    let n = 0;
    while (n < held.length && isValueChar(held[n]!)) n++;
    if (n < held.length || final) carry = undefined;
    if (n > 0) release(out, n, bytes(maskText(kind, n)));
    ctx = '';
  };

  /** Inside a key block: mask up to its END marker; a long block goes out masked in pieces. */
  const releasePem = (out: Buffer[], final: boolean): boolean => {
    const text = latin1(held);
    const end = PEM_END.exec(text);
    const n = end !== null ? end.index + end[0].length : final ? text.length : text.length > limit ? text.length - PEM_END_MAX_CHARS : 0;
    if (end !== null || final) mode = 'line';
    if (n > 0) release(out, n, bytes(maskText('PrivateKey', n)));
    return end !== null;
  };

  /** Releases the complete lines (all of it when final), holding from the line where an open key block starts. */
  const releaseLines = (out: Buffer[], final: boolean) => {
    const cut = final ? held.length : lastTerminator(held) + 1;
    if (cut === 0) return;
    const text = ctx + latin1(held.subarray(0, cut));
    const skip = ctx.length;
    if (!TRIGGER.test(text)) {
      ctx = '';
      return release(out, cut, undefined);
    }
    const pem = findPem(text);
    const found: Found[] = [...pem.blocks];
    let to = text.length;
    if (pem.openAt !== undefined && final) found.push({ start: pem.openAt, end: to, kind: 'PrivateKey' });
    else if (pem.openAt !== undefined) to = Math.max(skip, lineStart(text, pem.openAt));
    if (to === skip) return;
    found.push(...findLineSecrets(text, to));
    ctx = '';
    release(out, to - skip, masked(text, skip, to, found));
  };

  /** A line longer than the limit: release all but its tail, never cutting through a secret. */
  const cutLongLine = (out: Buffer[]) => {
    const text = ctx + latin1(held);
    const skip = ctx.length;
    const pem = findPem(text);
    if (pem.openAt !== undefined) {
      const found = [...pem.blocks, ...findLineSecrets(text, pem.openAt)];
      release(out, pem.openAt - skip, masked(text, skip, pem.openAt, found));
      return enterPem();
    }
    const found = resolveOverlaps([...pem.blocks, ...findLineSecrets(text, text.length)], skip, text.length);
    let cut = text.length - overlap;
    // Back to a character no secret contains, unless the run of value characters is longer than the overlap.
    let b = cut;
    while (b > cut - overlap && b > skip && isValueChar(text.charCodeAt(b - 1))) b--;
    if (b > skip && !isValueChar(text.charCodeAt(b - 1))) cut = b;
    const through = found.find((f) => f.start < cut && f.end > cut);
    if (through !== undefined && through.end < text.length) cut = through.end;
    else if (through !== undefined) {
      cut = text.length;
      carry = through.kind;
    }
    const replaced = masked(text, skip, cut, found);
    ctx = text.slice(Math.max(0, cut - CONTEXT_CHARS), cut);
    release(out, cut - skip, replaced);
  };

  const drain = (final: boolean): Buffer[] => {
    const out: Buffer[] = [];
    while (held.length > 0) {
      if (carry !== undefined) {
        releaseCarry(out, final);
        continue;
      }
      if (mode === 'pem') {
        if (releasePem(out, final)) continue;
        break;
      }
      releaseLines(out, final);
      // What is left is the incomplete line (or the lines of an open key block): held unless too long.
      if (final || held.length <= limit) break;
      cutLongLine(out);
    }
    return out;
  };

  return Object.freeze({
    push: (chunk: Buffer) => {
      if (chunk.length === 0) return [];
      held = held.length === 0 ? chunk : Buffer.concat([held, chunk]);
      return drain(false);
    },
    end: () => {
      const out = drain(true);
      held = EMPTY;
      return out;
    },
    counts: () => ({ ...counts }),
  });
};
