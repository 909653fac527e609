// `audit verify --from`: reads past the records before the start without verifying them, keeping what verifying
// from there needs — the hash of the record before the start and the last checkpoint signature before it. When
// the log on disk starts after seq 1 (sealed segments archived), its first record's prevHash is that anchor.
import type { ChainAnchor } from '@aws-guard/shared/audit/hash-chain';
import { CHAIN_START } from '@aws-guard/shared/audit/hash-chain';
import type { CheckpointSeed } from '@aws-guard/shared/audit/check-checkpoints';
import { CHECKPOINT_TYPE } from '@aws-guard/shared/audit/checkpoint-signature';

/** The first record to verify: by its seq, or the first one at or after a time. */
export type VerifyStart = Readonly<{ seq: number }> | Readonly<{ time: Date }>;

export type Skipped =
  | Readonly<{ ok: true; anchor: ChainAnchor; seed: CheckpointSeed; skipped: number; rest: AsyncIterable<string> }>
  | Readonly<{ ok: false; line: number; message: string }>;

type Head = { seq: number; hash: string; prevHash: string; ts: string; type: string; signature: string | null };

const headOf = (line: string): Head | null => {
  try {
    const r = JSON.parse(line) as { seq?: unknown; hash?: unknown; prevHash?: unknown; ts?: unknown; type?: unknown; data?: { signature?: unknown } };
    if (typeof r.seq !== 'number' || typeof r.hash !== 'string' || typeof r.prevHash !== 'string' || typeof r.ts !== 'string' || typeof r.type !== 'string') return null;
    return { seq: r.seq, hash: r.hash, prevHash: r.prevHash, ts: r.ts, type: r.type, signature: typeof r.data?.signature === 'string' ? r.data.signature : null };
  } catch {
    return null;
  }
};

const starts = (head: Head, start: VerifyStart): boolean => ('seq' in start ? head.seq >= start.seq : Date.parse(head.ts) >= start.time.getTime());

export const skipToStart = async (lines: AsyncIterable<string>, start: VerifyStart): Promise<Skipped> => {
  const iterator = lines[Symbol.asyncIterator]();
  let anchor: ChainAnchor = CHAIN_START;
  let seed: CheckpointSeed = { before: null, prevSignature: null, lastCheckpointSeq: null };
  let skipped = 0;
  for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
    const head = headOf(next.value);
    // A line that is not even a record cannot be stepped over: the anchor after it would be a guess.
    if (head === null) return { ok: false, line: skipped + 1, message: `line ${skipped + 1} is not a record, so verification cannot start after it: verify from the start` };
    // The segments before the first one on disk were archived: the record before it is trusted by its hash, and
    // the checkpoint before it, which is not here, by the first checkpoint's prevSignature.
    if (skipped === 0 && head.seq > 1) {
      anchor = { seq: head.seq - 1, hash: head.prevHash };
      seed = { before: anchor, prevSignature: null, lastCheckpointSeq: null, prevSignatureUnknown: true };
    }
    if (starts(head, start)) {
      const first = next.value;
      const rest = (async function* () {
        yield first;
        for (let more = await iterator.next(); !more.done; more = await iterator.next()) yield more.value;
      })();
      return { ok: true, anchor, seed, skipped, rest };
    }
    skipped++;
    anchor = { seq: head.seq, hash: head.hash };
    seed = head.type === CHECKPOINT_TYPE ? { before: anchor, prevSignature: head.signature, lastCheckpointSeq: head.seq } : { ...seed, before: anchor };
  }
  return { ok: true, anchor, seed, skipped, rest: (async function* () {})() };
};
