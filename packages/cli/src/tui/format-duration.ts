// Compact durations for ages and countdowns: `42s`, `4m05s`, `2h07m`, `3d04h`; `expired` once time is up.

export const formatDuration = (ms: number): string => {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m${String(seconds % 60).padStart(2, '0')}s`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours}h${String(minutes % 60).padStart(2, '0')}m`;
  return `${Math.floor(hours / 24)}d${String(hours % 24).padStart(2, '0')}h`;
};

/** Milliseconds from `now` to an ISO time; NaN when the time does not parse. */
export const msUntil = (iso: string, now: Date): number => Date.parse(iso) - now.getTime();

/** What a countdown shows: the time left, `expired`, or `?` for a time that does not parse. */
export const timeLeftText = (ms: number): string => (Number.isNaN(ms) ? '?' : ms <= 0 ? 'expired' : formatDuration(ms));
