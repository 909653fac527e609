// Under bubblewrap the CLI can see its staged files at the agent's own absolute paths and run in the agent's own
// cwd, so that its messages (`upload: ../site/a to s3://…`, `/abs/p.json`) read exactly as they would on the
// agent. This decides which agent paths may be shown that way: never over a path the CLI itself needs.
import { isAbsolute, posix } from 'node:path';
import type { IsolationPlan } from '../exec/isolation.js';

/** A writable bind: sandbox directory `from` shown at the agent path `to`. */
export type ViewMount = Readonly<{ from: string; to: string }>;

export type AgentView = Readonly<{
  /** The agent's cwd: the CLI's cwd inside the namespace, where the sandbox's work/ is shown. */
  cwd: string;
  /** Where rewritten paths point instead of `../files`: the sandbox's files/ at its host path, which the CLI sees. */
  filesDir: string;
  /** May a directory of the agent's be shown at this path without covering anything the CLI needs? */
  isFree: (dir: string) => boolean;
}>;

const overlaps = (a: string, b: string): boolean => a === b || a.startsWith(b === '/' ? '/' : `${b}/`) || b.startsWith(a === '/' ? '/' : `${a}/`);

const isPlainAbsolute = (path: string): boolean =>
  isAbsolute(path) && posix.normalize(path) === path && path !== '/' && !path.endsWith('/') && !path.includes('\0') && path.length <= 4096;

/**
 * Null without bwrap, or when the agent's cwd cannot be shown (not sent, `/`, or over a system directory,
 * the CLI's installation, the broker's data or the sandbox itself): then paths are rewritten as before.
 */
export const agentView = (plan: IsolationPlan, sandbox: Readonly<{ root: string; files: string }>, agentCwd: string | undefined): AgentView | null => {
  if (plan.kind !== 'bwrap' || agentCwd === undefined) return null;
  const reserved = [...plan.readOnly, ...plan.hidden.map((h) => h.path), sandbox.root, '/proc', '/dev'];
  const isFree = (dir: string): boolean => isPlainAbsolute(dir) && !reserved.some((r) => overlaps(dir, r));
  return isFree(agentCwd) ? Object.freeze({ cwd: agentCwd, filesDir: sandbox.files, isFree }) : null;
};

/** Where a staged root lives when shown at its agent path: under the sandbox's mirror/ directory. */
export const MIRROR_REL = '../mirror';

/**
 * The binds for one command: each outermost mirrored directory, then the work dir at the agent's cwd, shallow
 * before deep (bwrap mounts in order; a deeper bind must land on top of the shallower one, not under it).
 */
export const viewMounts = (view: AgentView, work: string, mountDirs: readonly string[]): readonly ViewMount[] => {
  const mirror = posix.join(work, MIRROR_REL);
  const unique = [...new Set(mountDirs)];
  const outermost = unique.filter((d) => !unique.some((o) => o !== d && d.startsWith(`${o}/`)));
  const mounts = [...outermost.map((to) => ({ from: `${mirror}${to}`, to })), { from: work, to: view.cwd }];
  const depth = (p: string) => p.split('/').length;
  return Object.freeze(mounts.sort((a, b) => depth(a.to) - depth(b.to) || (a.to < b.to ? -1 : 1)));
};
