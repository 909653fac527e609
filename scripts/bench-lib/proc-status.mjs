// Memory of another process from /proc/<pid>/status (Linux): current and peak resident set, and a reset of the
// peak so that a phase can be measured on its own. Mirrors test/helpers/peak-rss.ts for plain-Node scripts.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';

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

const TICKS_PER_SECOND = 100;

/** [own user+system, reaped children's user+system] CPU of a process in ms, from /proc/<pid>/stat. */
const statCpuMs = (pid) => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces, hence the last ')'): utime is field 14.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ms = (i) => (Number(f[i - 3]) * 1000) / TICKS_PER_SECOND;
    return [ms(14) + ms(15), ms(16) + ms(17)];
  } catch {
    return [0, 0];
  }
};

const childrenOf = (pid) => {
  try {
    return readdirSync(`/proc/${pid}/task`).flatMap((tid) => readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number));
  } catch {
    return [];
  }
};

/** CPU ms of a process alone, and of it with everything it started (reaped and live descendants). */
export const cpuMs = (pid) => {
  const [own, reaped] = statCpuMs(pid);
  const tree = own + reaped + childrenOf(pid).reduce((sum, child) => sum + cpuMs(child).tree, 0);
  return { own, tree };
};
