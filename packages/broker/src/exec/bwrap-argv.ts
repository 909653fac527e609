// The bubblewrap options for one CLI run, in the order bwrap applies them. Pure: what to bind is decided once
// at start (select-isolation.ts) and per request (sandboxIsolation); this only turns it into argv.
import { isAbsolute, normalize } from 'node:path';

export type HiddenPath = Readonly<{ path: string; dir: boolean }>;
/** A directory of the writable sandbox shown (writable) at another path: an agent path, files/agent-view.ts. */
export type BindMount = Readonly<{ from: string; to: string }>;

export type BwrapSpec = Readonly<{
  /** Host paths the CLI reads (system dirs, a few /etc files, its Python), bound read-only at the same path. */
  readOnly: readonly string[];
  /** Paths inside `readOnly` that must stay unseen (the broker's data dir): a dir gets an empty tmpfs, a file /dev/null. */
  hidden: readonly HiddenPath[];
  /** The request's sandbox, bound writable at its own path so that HOME, TMPDIR and AWS_CONFIG_FILE stay valid. */
  writable: readonly string[];
  /** Paths inside `writable` remounted read-only (the broker-owned config and credentials files). */
  readOnlyWithin: readonly string[];
  /** Shallow before deep; each `to` clear of every other path above (checked here too: it is agent-chosen). */
  mounts?: readonly BindMount[];
  /** The CLI's cwd inside the namespace when it is not its host cwd (the agent's own cwd, shown by a mount). */
  chdir?: string | null;
}>;

/** Host paths must be absolute and normal: bwrap would resolve a relative one against its own cwd. */
const checked = (path: string): string => {
  if (!isAbsolute(path) || normalize(path) !== path || path.includes('\0'))
    throw new TypeError(`bwrap paths must be absolute and normalised: ${JSON.stringify(path)}`);
  return path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
};

const within = (path: string, roots: readonly string[]): boolean =>
  roots.some((root) => path === root || path.startsWith(root === '/' ? '/' : `${root}/`));

/** An agent-chosen mount point may cover nothing the CLI needs, nor sit inside it. */
const checkedMounts = (spec: BwrapSpec, writable: readonly string[]): string[] => {
  const reserved = [...spec.readOnly, ...spec.hidden.map((h) => h.path), ...writable, '/proc', '/dev'].map(checked);
  return (spec.mounts ?? []).flatMap(({ from, to }) => {
    const target = checked(to);
    if (!within(checked(from), writable)) throw new TypeError(`bind source ${from} is outside the writable sandbox`);
    if (target === '/' || within(target, reserved) || reserved.some((r) => within(r, [target])))
      throw new TypeError(`bind target ${to} would cover a path the CLI needs`);
    return ['--bind', from, target];
  });
};

/**
 * A fresh root with the host's read-only paths and the hidden ones covered: the static part of every layout
 * (a spawned CLI's, and a warm worker's, exec/warm/worker-bwrap-argv.ts). /proc, /dev and /tmp come first, so that
 * a bind below /tmp (a CLI installed there) lands on the new tmpfs.
 */
export const freshRootArgv = (readOnly: readonly string[], hidden: readonly HiddenPath[]): string[] => [
  '--proc',
  '/proc',
  '--dev',
  '/dev',
  '--tmpfs',
  '/tmp',
  ...readOnly.map(checked).flatMap((path) => ['--ro-bind', path, path]),
  ...hidden.flatMap(({ path, dir }) => (dir ? ['--tmpfs', checked(path)] : ['--ro-bind', '/dev/null', checked(path)])),
];

/**
 * Options only: run-aws-cli.ts appends `--`, the CLI and its arguments. No `--setenv`: the environment is
 * spawn's (an allowlist that carries the request's credentials, which must never appear on a command line).
 */
export const bwrapArgv = (spec: BwrapSpec, cwd: string): string[] => {
  const writable = spec.writable.map(checked);
  const mounts = checkedMounts(spec, writable);
  const dir = checked(spec.chdir ?? cwd);
  const shown = (spec.mounts ?? []).map((m) => m.to);
  if (!within(dir, [...writable, ...shown])) throw new TypeError(`the CLI's cwd ${dir} is outside its writable sandbox`);
  return [
    // A pid namespace whose init dies with bwrap (so with the broker, and on a stop), its own IPC, and no
    // capabilities: bwrap started by root would otherwise hand root's to the CLI (mount, open_by_handle_at).
    // No --new-session: the broker spawns bwrap detached (setsid, no controlling terminal, so no TIOCSTI), and
    // a second session would take the CLI out of the process group a stop signals (run-aws-cli.ts killGroup).
    // The network namespace is the host's: the CLI must reach AWS and the operator's loopback endpoint.
    '--unshare-pid',
    '--unshare-ipc',
    '--die-with-parent',
    '--cap-drop',
    'ALL',
    ...freshRootArgv(spec.readOnly, spec.hidden),
    ...writable.flatMap((path) => ['--bind', path, path]),
    ...spec.readOnlyWithin.map(checked).flatMap((path) => {
      if (!within(path, writable)) throw new TypeError(`${path} is not inside the writable sandbox`);
      return ['--ro-bind', path, path];
    }),
    ...mounts,
    '--chdir',
    dir,
  ];
};
