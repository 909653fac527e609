// The hash that links audit records: sha256 over the previous hash and the record's RFC 8785 canonical JSON.
// docs/audit-format.md "Hash" describes the same bytes; a verifier in another language must agree with it.
import * as crypto from 'node:crypto';
import canonicalizeModule from 'canonicalize';

/** prevHash of the record with seq 1: 64 zeros. */
export const GENESIS_HASH = '0'.repeat(64);

// canonicalize's .d.ts declares `export default`, but the package is CommonJS (`module.exports = fn`): under
// NodeNext TypeScript types the default import as the module object, while Node hands us the function.
const canonicalize = canonicalizeModule as unknown as (input: unknown) => string | undefined;

/** RFC 8785 canonical JSON (sorted keys, no whitespace, ECMAScript number form) of a JSON value. */
export function canonicalJson(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new TypeError('value has no JSON representation');
  return text;
}

/**
 * sha256, lower-case hex, of the ASCII bytes of `prevHash` followed by the UTF-8 bytes of the canonical JSON of
 * `recordWithoutHash` (every field of the record except `hash`, `prevHash` included).
 */
export function computeRecordHash(prevHash: string, recordWithoutHash: object): string {
  if ('hash' in recordWithoutHash) throw new TypeError('computeRecordHash takes the record without its hash');
  return sha256Hex(prevHash + canonicalJson(recordWithoutHash));
}

// One-shot crypto.hash (Node ≥ 20.12) is about twice as fast as createHash for a record-sized input, and verify
// hashes every record; older Node 20 releases fall back to createHash. Both hash the same UTF-8 bytes.
const sha256Hex: (text: string) => string = typeof crypto.hash === 'function'
  ? (text) => crypto.hash('sha256', text, 'hex')
  : (text) => crypto.createHash('sha256').update(text, 'utf8').digest('hex');
