// Checks the `audit.checkpoint` records of a chain as verifyChain meets them: each must sign the record right
// before it, with the verifier's public key, and name the previous checkpoint's signature. Other records pass.
import type { KeyObject } from 'node:crypto';
import type { AuditRecord } from './audit-record.js';
import { CHECKPOINT_TYPE, checkpointDataSchema, publicKeyId, verifyCheckpointSignature } from './checkpoint-signature.js';

export type CheckpointIssueCode =
  | 'AUDIT_CHECKPOINT_MALFORMED'
  | 'AUDIT_CHECKPOINT_BAD_SIGNATURE'
  | 'AUDIT_CHECKPOINT_MISPLACED'
  | 'AUDIT_CHECKPOINT_CHAIN_BROKEN'
  | 'AUDIT_CHECKPOINT_NO_KEY';

export type CheckpointProblem = Readonly<{ code: CheckpointIssueCode; message: string }>;

export type CheckpointSummary = Readonly<{
  /** Checkpoints whose signature verified. */
  checkpoints: number;
  /** seq of the last checkpoint record, or null if none. */
  lastCheckpointSeq: number | null;
  /** The key the checkpoints were checked with, or null when none was given. */
  keyId: string | null;
}>;

export type CheckpointChecker = Readonly<{
  /** Called with every record accepted into the chain, in order; a problem stops verification. */
  check: (record: AuditRecord) => CheckpointProblem | null;
  summary: () => CheckpointSummary;
}>;

/**
 * `publicKey` null: there is nothing to check a signature with, so the first checkpoint met is a problem (the
 * caller asks for `--pubkey`) rather than silently trusted. A log with no checkpoints still verifies as a chain.
 */
/**
 * Where checking starts when it does not start at the first record (`audit verify --from`): the record before the
 * start and the last checkpoint before it, both taken on trust.
 */
export type CheckpointSeed = Readonly<{
  before: Readonly<{ seq: number; hash: string }> | null;
  prevSignature: string | null;
  lastCheckpointSeq: number | null;
  /** The checkpoint before the start is not available (archived segments): the first checkpoint's
   * `prevSignature` is taken on trust, like the record before the start. */
  prevSignatureUnknown?: boolean;
}>;

export function createCheckpointChecker(publicKey: KeyObject | null, seed?: CheckpointSeed): CheckpointChecker {
  const keyId = publicKey === null ? null : publicKeyId(publicKey);
  let prevSignature: string | null = seed?.prevSignature ?? null;
  let checkpoints = 0;
  let lastCheckpointSeq: number | null = seed?.lastCheckpointSeq ?? null;
  let trustPrevSignature = seed?.prevSignatureUnknown === true;
  // The record verifyChain accepted just before this one: what a checkpoint must sign.
  let before: { seq: number; hash: string } | null = seed?.before ?? null;

  function check(record: AuditRecord): CheckpointProblem | null {
    const head = before;
    before = { seq: record.seq, hash: record.hash };
    if (record.type !== CHECKPOINT_TYPE) return null;
    const at = `checkpoint at seq ${record.seq}`;
    const parsed = checkpointDataSchema.safeParse(record.data);
    if (!parsed.success) {
      const first = parsed.error.issues[0];
      return problem('AUDIT_CHECKPOINT_MALFORMED', `${at}: data.${first?.path.join('.') ?? ''} ${first?.message ?? 'invalid'}`);
    }
    const data = parsed.data;
    if (publicKey === null) {
      return problem('AUDIT_CHECKPOINT_NO_KEY', `${at}: no public key to verify its signature with (give --pubkey FILE)`);
    }
    const fields = { seq: data.seq, hash: data.hash, ts: record.ts, prevSignature: data.prevSignature };
    if (!verifyCheckpointSignature(fields, data.signature, publicKey)) {
      const other = data.keyId === keyId ? '' : ` (it names key ${data.keyId}; the public key given is ${keyId})`;
      return problem('AUDIT_CHECKPOINT_BAD_SIGNATURE', `${at}: signature does not verify with the public key${other}`);
    }
    // Signed, but over a different head: the records before it were rewritten (or it was moved).
    if (head === null || data.seq !== head.seq || data.hash !== head.hash) {
      const found = head === null ? 'nothing before it' : `seq ${head.seq} with hash ${head.hash}`;
      return problem('AUDIT_CHECKPOINT_MISPLACED', `${at}: signs seq ${data.seq} with hash ${data.hash}, but follows ${found}`);
    }
    if (!trustPrevSignature && data.prevSignature !== prevSignature) {
      const expected = prevSignature === null ? 'none (it is the first checkpoint)'
        : `the signature of the checkpoint at seq ${String(lastCheckpointSeq)}`;
      return problem('AUDIT_CHECKPOINT_CHAIN_BROKEN', `${at}: its previous signature is not ${expected}: a checkpoint was removed`);
    }
    trustPrevSignature = false;
    prevSignature = data.signature;
    checkpoints++;
    lastCheckpointSeq = record.seq;
    return null;
  }

  return { check, summary: () => ({ checkpoints, lastCheckpointSeq, keyId }) };
}

const problem = (code: CheckpointIssueCode, message: string): CheckpointProblem => ({ code, message });
