// Host processes below a pid, read from /proc, and whether one is gone: for proving a cancel killed a tree.
import { readdirSync, readFileSync } from 'node:fs';

/** Every process below `root` (not `root` itself), by host pid. */
export const descendants = (root: number): number[] => {
  const parent = new Map<number, number>();
  for (const name of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      parent.set(Number(name), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // The process ended between the listing and the read.
    }
  }
  const found = [root];
  for (let i = 0; i < found.length; i++) for (const [pid, ppid] of parent) if (ppid === found[i]) found.push(pid);
  return found.slice(1);
};

/** Gone: no such process, or a zombie nobody reaped yet. */
export const isGone = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').startsWith('Z');
  } catch {
    return true;
  }
};
