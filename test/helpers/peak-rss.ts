// Peak resident memory of a process from /proc/<pid>/status: VmHWM polled until the process is gone (a
// zombie has no Vm lines), and for a long-lived process its peak reset before the part being measured.
import { readFileSync, writeFileSync } from 'node:fs';

/** A `Vm*` field of /proc/<pid>/status in bytes, or undefined once the process is gone. */
export const readVmBytes = (pid: number, field: 'VmHWM' | 'VmRSS'): number | undefined => {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m === null ? undefined : Number(m[1]) * 1024;
  } catch {
    return undefined;
  }
};

/** Resets VmHWM to the current RSS (`5` to clear_refs, Linux ≥ 4.0); false where that is not allowed. */
export const resetPeakRss = (pid: number): boolean => {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
};

export type PeakWatch = Readonly<{ peak: () => number; stop: () => number }>;

/** Polls VmHWM (and VmRSS, in case the peak cannot be read) every `everyMs`; keeps the largest seen. */
export const watchPeakRss = (pid: number, everyMs = 50): PeakWatch => {
  let peak = 0;
  const sample = () => {
    peak = Math.max(peak, readVmBytes(pid, 'VmHWM') ?? 0, readVmBytes(pid, 'VmRSS') ?? 0);
  };
  sample();
  const timer = setInterval(sample, everyMs);
  return Object.freeze({
    peak: () => peak,
    stop: () => {
      sample();
      clearInterval(timer);
      return peak;
    },
  });
};

export const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
