// How many refused upgrades get their own `token.rejected` record: a token bucket (a burst, then a steady rate),
// so that an unauthenticated client cannot make the broker fsync once per attempt. The rest are counted
// (by reason and remote address, both bounded) for one summary record.

export type RejectionLimits = Readonly<{
  /** Records written at once before the rate applies. */
  burst: number;
  /** Records a second after the burst. */
  perSecond: number;
  /** The suppressed attempts are summed up in one record at most this often. */
  summaryEveryMs: number;
}>;

export const DEFAULT_REJECTION_LIMITS: RejectionLimits = Object.freeze({ burst: 5, perSecond: 1, summaryEveryMs: 5_000 });
/** Distinct remote addresses counted in a summary; the others are only in `remotesOmitted`. */
export const MAX_SUMMARY_REMOTES = 16;

export type SuppressedSummary = Readonly<{
  suppressed: number;
  reasons: Readonly<Record<string, number>>;
  remotes: Readonly<Record<string, number>>;
  remotesOmitted: number;
  firstAt: string;
  lastAt: string;
}>;

export type RejectionLimiter = Readonly<{
  /** True: write this rejection's own record. False: it was counted for the next summary. */
  admit: (reason: string, remote: string) => boolean;
  /** The suppressed attempts since the last call (null if none), and resets the count. */
  takeSummary: () => SuppressedSummary | null;
}>;

export const createRejectionLimiter = (limits: RejectionLimits, clock: () => Date): RejectionLimiter => {
  let tokens = limits.burst;
  let refilledAt = clock().getTime();
  let summary: { suppressed: number; reasons: Map<string, number>; remotes: Map<string, number>; remotesOmitted: number; firstAt: Date; lastAt: Date } | null = null;

  const refill = (now: number): void => {
    tokens = Math.min(limits.burst, tokens + ((now - refilledAt) / 1000) * limits.perSecond);
    refilledAt = now;
  };

  return Object.freeze({
    admit: (reason: string, remote: string) => {
      const at = clock();
      refill(at.getTime());
      if (tokens >= 1) {
        tokens -= 1;
        return true;
      }
      summary ??= { suppressed: 0, reasons: new Map(), remotes: new Map(), remotesOmitted: 0, firstAt: at, lastAt: at };
      summary.suppressed += 1;
      summary.lastAt = at;
      summary.reasons.set(reason, (summary.reasons.get(reason) ?? 0) + 1);
      if (summary.remotes.has(remote) || summary.remotes.size < MAX_SUMMARY_REMOTES) summary.remotes.set(remote, (summary.remotes.get(remote) ?? 0) + 1);
      else summary.remotesOmitted += 1;
      return false;
    },
    takeSummary: () => {
      if (summary === null) return null;
      const s = summary;
      summary = null;
      return Object.freeze({
        suppressed: s.suppressed,
        reasons: Object.fromEntries(s.reasons),
        remotes: Object.fromEntries(s.remotes),
        remotesOmitted: s.remotesOmitted,
        firstAt: s.firstAt.toISOString(),
        lastAt: s.lastAt.toISOString(),
      });
    },
  });
};
