// What an audit checkpoint signs, byte for byte, and how its Ed25519 signature is checked. The broker's signer
// (broker/src/audit/audit-signing-key.ts) and every verifier build the message here; docs/audit-format.md
// "Checkpoints" describes the same bytes for verifiers in other languages.
import { createHash, createPublicKey, verify, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import { fail, ok, type Result } from '../result.js';

export const CHECKPOINT_TYPE = 'audit.checkpoint';
/** Written instead of a previous signature in the first checkpoint of a log. */
export const NO_PREVIOUS_SIGNATURE = 'none';

const BASE64_ED25519_SIGNATURE = /^[A-Za-z0-9+/]{86}==$/;

/** `data` of an `audit.checkpoint` record. `seq` and `hash` name the record right before the checkpoint. */
export const checkpointDataSchema = z.object({
  seq: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  keyId: z.string().regex(/^[0-9a-f]{16}$/),
  prevSignature: z.string().regex(BASE64_ED25519_SIGNATURE).nullable(),
  signature: z.string().regex(BASE64_ED25519_SIGNATURE),
});
export type CheckpointData = z.infer<typeof checkpointDataSchema>;

export type CheckpointFields = Readonly<{ seq: number; hash: string; ts: string; prevSignature: string | null }>;

/**
 * The signed bytes: ASCII, one line, no trailing newline —
 * `aws-guard-audit-checkpoint/1 seq=<seq> hash=<hash> ts=<ts> prev=<previous signature, base64, or none>`.
 * `ts` is the checkpoint record's own `ts`; seq and hash are the chain head it follows.
 */
export function checkpointMessage(fields: CheckpointFields): Buffer {
  const prev = fields.prevSignature ?? NO_PREVIOUS_SIGNATURE;
  return Buffer.from(`aws-guard-audit-checkpoint/1 seq=${fields.seq} hash=${fields.hash} ts=${fields.ts} prev=${prev}`, 'ascii');
}

/** First 16 hex digits of the SHA-256 of the public key's DER SubjectPublicKeyInfo (what `openssl pkey -pubin
 * -outform DER | sha256sum` hashes): names the key in each checkpoint so a verifier can say which one it needs. */
export function publicKeyId(publicKey: KeyObject): string {
  return createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex').slice(0, 16);
}

export function verifyCheckpointSignature(fields: CheckpointFields, signature: string, publicKey: KeyObject): boolean {
  return verify(null, checkpointMessage(fields), publicKey, Buffer.from(signature, 'base64'));
}

export type PublicKeyIssueCode = 'AUDIT_PUBKEY_INVALID';

/** Reads a PEM public key (or a private key, whose public half is taken); only Ed25519 is accepted. */
export function parseEd25519PublicKey(pem: string): Result<KeyObject, PublicKeyIssueCode> {
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch (e) {
    return fail('AUDIT_PUBKEY_INVALID', `not a PEM public key (${(e as Error).message})`);
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    return fail('AUDIT_PUBKEY_INVALID', `a ${key.asymmetricKeyType ?? 'unknown'} key, not Ed25519`);
  }
  return ok(key);
}
