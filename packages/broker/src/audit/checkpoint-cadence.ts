// When the audit log signs a checkpoint besides after every N records: the timed tick and the defaults, one for
// both stores (the embedded file, audit-log.ts; Redis, redis-audit-log.ts). docs/audit-format.md "Checkpoints".
import type { AuditRecord } from '@aws-guard/shared/audit/audit-record';
import type { CheckpointSigner } from './audit-signing-key.js';
import type { Signing } from './build-records.js';

export const DEFAULT_CHECKPOINT_RECORDS = 1000;
export const DEFAULT_CHECKPOINT_MS = 60_000;

export type CheckpointOptions = Readonly<{
  signer: CheckpointSigner;
  /** A checkpoint follows every this many records (default 1000). */
  everyRecords?: number;
  /** …and when this long has passed since the last one and records were added (default 60 s). */
  everyMs?: number;
  /** Calls `tick` periodically and returns how to stop (default: an unref'd setInterval); tests drive it. */
  timer?: (tick: () => Promise<unknown>, periodMs: number) => () => void;
}>;

/** What a store's tick looks at: whether it still appends, records since the last checkpoint, and when that was. */
export type CheckpointClock = () => Readonly<{ closed: boolean; since: number; lastCheckpointAt: number }>;

export const signingOf = (checkpoints: CheckpointOptions | undefined): Signing | null =>
  checkpoints === undefined ? null : { signer: checkpoints.signer, everyRecords: checkpoints.everyRecords ?? DEFAULT_CHECKPOINT_RECORDS };

/**
 * Starts the timed checkpoint (checked every second, or every everyMs when shorter) and returns how to stop it;
 * nothing without a signer. A failed timed checkpoint is not lost work: the records stay counted and the next tick
 * or append retries; a store that fails here fails the next command's append too, which is what stops commands
 * (DESIGN §7.4).
 */
export function startCheckpointTimer(
  checkpoints: CheckpointOptions | undefined, clock: () => Date, state: CheckpointClock,
  checkpoint: () => Promise<AuditRecord | null>,
): () => void {
  if (checkpoints === undefined) return () => {};
  const everyMs = checkpoints.everyMs ?? DEFAULT_CHECKPOINT_MS;
  const tick = async (): Promise<AuditRecord | null> => {
    const { closed, since, lastCheckpointAt } = state();
    return closed || since === 0 || clock().getTime() - lastCheckpointAt < everyMs ? null : checkpoint().catch(() => null);
  };
  return (checkpoints.timer ?? intervalTimer)(tick, Math.min(everyMs, 1000));
}

export function intervalTimer(tick: () => Promise<unknown>, periodMs: number): () => void {
  const timer = setInterval(() => void tick(), periodMs);
  // The timer must not keep a process alive that has nothing else to do (tests, CLI tools opening a log).
  timer.unref();
  return () => clearInterval(timer);
}
