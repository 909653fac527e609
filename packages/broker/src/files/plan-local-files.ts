// Which local paths of a command travel, which way, and where the CLI will find them on the broker (DESIGN
// §7.6, docs/files.md). A path that can only mean a place under the CLI's cwd (`p.json`, `dir/`, `.`) is staged
// at that same place, so argv and the CLI's messages stay as the agent wrote them; any other (`/abs`, `../x`,
// `~/x`, `$HOME/x`, `-x`) is staged under the sandbox's files/ directory and its argument rewritten, unless
// bubblewrap can show it at the agent's own path (agent-view.ts): then it too is kept as written. No I/O.
import { posix } from 'node:path';
import type { AwsCommand, LocalFileRef } from '@aws-guard/shared/command/aws-command';
import { MIRROR_REL, type AgentView } from './agent-view.js';

/** What the broker needs of a root's contents before the CLI runs. */
export type RootReads =
  | 'none' // only written: the broker needs to know whether it is a directory
  | 'content' // one file's bytes (file://, fileb://, --body p, s3 cp ./a s3://…)
  | 'tree' // every file under a directory (cloudformation package dirs, deploy push --source)
  | 'tree-needed' // an upload tree: the CLI's own dry run decides which files it needs (s3 cp --recursive, s3 sync)
  | 'state'; // a download tree's sizes and mtimes, as stubs, for s3 sync's comparison

export type RootPlan = Readonly<{
  id: number;
  /** The path as written (after the file:// prefix). */
  path: string;
  /** The CLI expands `~` and `$VAR` in this path (everything except s3 local paths; see files.md on outfiles). */
  expand: boolean;
  reads: RootReads;
  writes: boolean;
  deletes: boolean;
  /** The shim lists files under it (a tree read). */
  tree: boolean;
  followSymlinks: boolean;
  /** Where the CLI will look: relative to the sandbox's work dir (`''` = the work dir itself). */
  stageRel: string;
  /** The text that replaces `path` in argv, or null when the path is kept as written. */
  rewriteTo: string | null;
  /** Under an agent view: where the CLI sees the root (absolute, in its namespace). */
  seen: string | null;
  /** Under an agent view, for a root shown outside the agent's cwd: the agent directory bound to show it. */
  mountDir: string | null;
  refs: readonly LocalFileRef[];
}>;

/** A path that resolves under the cwd whatever the CLI expands: no `..`, `~`, `$`, no leading `/` or `-`. */
const SAFE_RELATIVE = /^(?!-)(?!.*(?:^|\/)\.\.(?:\/|$))[A-Za-z0-9._+@=,:/ -]+$/u;

export const isSafeRelativePath = (path: string): boolean => SAFE_RELATIVE.test(path) && !path.startsWith('/');


const readsOf = (refs: readonly LocalFileRef[]): RootReads => {
  const ins = refs.filter((r) => r.direction === 'in');
  if (ins.length === 0) return 'none';
  const tree = ins.find((r) => r.tree);
  if (tree === undefined) return 'content';
  if (tree.form !== 's3-local') return 'tree';
  // The same local path is also written: it is the destination of s3 sync, read only for its state.
  return refs.some((r) => r.direction === 'out') ? 'state' : 'tree-needed';
};

/**
 * The staged name of a rewritten path, made inert (no `$`, `~`) wherever the name does not matter: the CLI runs
 * with credentials in its environment and would expand `$AWS_SECRET_ACCESS_KEY` into its error messages. s3
 * local paths keep their name, which the CLI neither expands nor hides: it becomes the object key.
 */
const stagedName = (path: string, inert: boolean): string => {
  const trimmed = path.replace(/\/+$/u, '');
  const base = posix.basename(trimmed);
  if (base === '' || base === '.' || base === '..' || base === '~') return 'root';
  return inert ? base.replace(/[^A-Za-z0-9._+@=,-]/gu, '_').replace(/^-/u, '_') : base;
};

type Placement = Readonly<{ stageRel: string; seen: string; mountDir: string | null }>;

/**
 * Where an agent view shows a path as written: under the cwd (staged in work/), or in the outermost free agent
 * directory (staged in mirror/). Null when it cannot: `~`, `$VAR` and `-x` keep their inert rewrite, and so does
 * an ancestor of the cwd (the work dir bound on top would hide part of it).
 */
const placeInView = (path: string, expand: boolean, view: AgentView): Placement | null => {
  if (path.startsWith('-') || (expand && (path.startsWith('~') || path.includes('$')))) return null;
  // The kernel, unlike path.resolve, walks `sub/..` through `sub`, which need not exist in the namespace. Only
  // leading `..` climb through the cwd's own ancestors, which do.
  if (path.replace(/^(?:\.{1,2}\/+)+/u, '').split('/').includes('..')) return null;
  const abs = posix.resolve(view.cwd, path);
  if (abs === view.cwd || abs.startsWith(`${view.cwd}/`)) return { stageRel: posix.relative(view.cwd, abs), seen: abs, mountDir: null };
  if (view.cwd.startsWith(`${abs}/`) || abs === '/') return null;
  const mountDir = posix.dirname(abs);
  return view.isFree(mountDir) ? { stageRel: `${MIRROR_REL}${abs}`, seen: abs, mountDir } : null;
};

export const planLocalFiles = (cmd: AwsCommand, view: AgentView | null = null): readonly RootPlan[] => {
  const groups = new Map<string, LocalFileRef[]>();
  for (const ref of cmd.localFiles) {
    if (ref.form === 'stdio') continue;
    const key = `${ref.form === 's3-local' ? 'n' : 'e'}:${ref.path}`;
    groups.set(key, [...(groups.get(key) ?? []), ref]);
  }
  const followSymlinks = cmd.params['no-follow-symlinks'] !== true;
  return [...groups.values()].map((refs, id): RootPlan => {
    const first = refs[0] as LocalFileRef;
    const expand = first.form !== 's3-local';
    const reads = readsOf(refs);
    const writes = refs.some((r) => r.direction === 'out');
    const safe = isSafeRelativePath(first.path);
    const placed = view === null ? null : placeInView(first.path, expand, view);
    const trailing = first.path.endsWith('/') ? '/' : '';
    const rewriteTo = safe || placed !== null ? null : `${view?.filesDir ?? '../files'}/${id}/${stagedName(first.path, first.form !== 's3-local')}${trailing}`;
    const stageRel = placed?.stageRel ?? posix.normalize(rewriteTo ?? first.path).replace(/\/+$/u, '').replace(/^\.$/u, '');
    const seen = view === null ? null : (placed?.seen ?? posix.resolve(view.cwd, rewriteTo ?? stageRel));
    return Object.freeze({
      id,
      path: first.path,
      expand,
      reads,
      writes,
      deletes: refs.some((r) => r.deletes === true),
      tree: reads === 'tree' || reads === 'tree-needed' || reads === 'state',
      followSymlinks,
      stageRel,
      rewriteTo,
      seen,
      mountDir: placed?.mountDir ?? null,
      refs: Object.freeze(refs),
    });
  });
};
