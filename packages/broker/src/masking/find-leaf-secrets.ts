// Pattern detection on one string of a parsed document (a value or a key): the stream detectors of
// find-secrets.ts over the whole string, with its member name as context so that the named detectors fire, plus
// the policy's own patterns. Finds spans only; mask-document.ts writes the masks.
import { findLineSecrets, findPem, resolveOverlaps } from './find-secrets.js';
import { TRIGGER } from './secret-detectors.js';

/** A policy pattern (global flag set), masked under `name`: the id of the rule that asked for it. */
export type LeafPattern = Readonly<{ name: string; regex: RegExp }>;

export type LeafFound = Readonly<{ start: number; end: number; name: string }>;

const NOTHING: readonly LeafFound[] = Object.freeze([]);

/**
 * Secrets inside `text`, none overlapping, earliest first. `context` is the member name or map key the string
 * is the value of (`""` for none, or for a key): `"SessionToken": "…"` is how the stream masker would have seen it.
 */
export const findLeafSecrets = (text: string, context: string, patterns: readonly LeafPattern[]): readonly LeafFound[] => {
  const found: LeafFound[] = [];
  // mask-document.ts passes only keys that hold a trigger word as context; others could not make a detector fire.
  if (context !== '' || TRIGGER.test(text)) {
    const prefix = context === '' ? '' : `"${context}": "`;
    const full = prefix + text;
    const pem = findPem(full);
    const spans = [...pem.blocks, ...findLineSecrets(full, full.length)];
    // A key block without its END marker is masked to the end of the string: fail closed, as the streams do.
    if (pem.openAt !== undefined) spans.push({ start: pem.openAt, end: full.length, kind: 'PrivateKey' });
    for (const s of spans) found.push({ start: s.start - prefix.length, end: s.end - prefix.length, name: s.kind });
  }
  for (const p of patterns) {
    p.regex.lastIndex = 0;
    for (const m of text.matchAll(p.regex)) if (m[0].length > 0) found.push({ start: m.index, end: m.index + m[0].length, name: p.name });
  }
  return found.length === 0 ? NOTHING : resolveOverlaps(found, 0, text.length);
};
