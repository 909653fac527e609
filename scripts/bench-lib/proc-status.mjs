// Memory of another process from /proc/<pid>/status (Linux): current and peak resident set, and a reset of the
// peak so that a phase can be measured on its own. Mirrors test/helpers/peak-rss.ts for plain-Node scripts.
import { readFileSync, writeFileSync } from 'node:fs';

/** `VmRSS` or `VmHWM` in bytes, or undefined once the process is gone. */
export const readVmBytes = (pid, field) => {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m === null ? undefined : Number(m[1]) * 1024;
  } catch {
    return undefined;
  }
};

/** Resets VmHWM to the current RSS (Linux ≥ 4.0); false where that is not allowed. */
export const resetPeakRss = (pid) => {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
};

export const mib = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
