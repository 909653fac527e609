// How a masked value is written in a parsed document (mask-document.ts): its length, or a keyed hash so that an
// approver can tell whether two values are equal without seeing either. Never the value, never an unkeyed hash.
import { createHmac } from 'node:crypto';
import { maskText } from './secret-detectors.js';

export type MaskStyle = Readonly<{ kind: 'length' }> | Readonly<{ kind: 'hmac'; key: Buffer }>;

export const LENGTH_STYLE: MaskStyle = Object.freeze({ kind: 'length' });

/** Hex digits of the HMAC shown: 64 bits tell values apart and are far too few to test guesses offline at scale. */
export const HMAC_HEX_CHARS = 16;

/** The keyed-hash mask, in the same shape as maskText so that both read alike. */
export const hashMaskText = (name: string, hex: string): string => `****(masked: ${name}, hmac-sha256:${hex})`;

/** The text a value stands for: a string as itself, anything else (number, boolean, structure) as its JSON. */
export const valueText = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value) ?? String(value));

/** Characters as printed: code points, so that "é" or an emoji counts once (the CLI prints JSON unescaped). */
const countChars = (text: string): number => {
  let n = 0;
  for (const _ of text) n++;
  return n;
};

/**
 * The mask for one value. The hash is over the UTF-8 bytes of valueText(value), so an operator holding the key
 * can check a candidate with `printf %s "$value" | openssl dgst -sha256 -hmac "$key"` (first 16 hex digits).
 */
export const formatMask = (name: string, value: unknown, style: MaskStyle): string => {
  const text = valueText(value);
  if (style.kind === 'length') return maskText(name, countChars(text));
  return hashMaskText(name, createHmac('sha256', style.key).update(text, 'utf8').digest('hex').slice(0, HMAC_HEX_CHARS));
};
