// The bubblewrap options a warm worker runs under (docs/warm-executor.md "Under bubblewrap"): the static part of
// a spawned CLI's layout, plus what the worker needs to give each fork its own (aws_guard_sandbox.py). Pure.
import { dirname } from 'node:path';
import { freshRootArgv } from '../bwrap-argv.js';
import type { IsolationPlan } from '../isolation.js';

/** Must match NEW_ROOT in aws_guard_sandbox.py: where each command's root is built before it becomes `/`. */
export const WORKER_NEW_ROOT = '/.aws-guard-root';

export type WorkerBwrapInput = Readonly<{
  plan: IsolationPlan & { kind: 'bwrap' };
  /** Where request sandboxes are created: bound writable, the only source a fork may bind writable. */
  sandboxParent: string;
  /** The pool's directory of listening sockets (0700). */
  socketDir: string;
  /** aws_guard_worker.py; its directory holds aws_guard_sandbox.py too. */
  script: string;
  /** The broker's uid: as root, bwrap keeps only the capabilities named; otherwise it makes a user namespace. */
  uid: number;
}>;

export const workerBwrapArgv = (input: WorkerBwrapInput): string[] => {
  const { plan, sandboxParent, socketDir, script, uid } = input;
  return [
    // No --unshare-pid: the worker reports its forks' pids as the broker sees them (audit, stop). Each fork
    // makes its own pid namespace, so the CLI sees none but its own. --die-with-parent: the worker goes with
    // the broker; its IPC namespace is its own, and each fork makes another.
    '--unshare-ipc',
    '--die-with-parent',
    ...(uid === 0 ? [] : ['--unshare-user']),
    // Building a fork's namespaces takes CAP_SYS_ADMIN (unshare, mount, pivot_root) and emptying its bounding
    // set CAP_SETPCAP; the fork drops both (and every other) before the CLI runs. Nothing else is kept.
    '--cap-drop',
    'ALL',
    '--cap-add',
    'CAP_SYS_ADMIN',
    '--cap-add',
    'CAP_SETPCAP',
    ...freshRootArgv(plan.readOnly, plan.hidden),
    '--ro-bind',
    dirname(script),
    dirname(script),
    '--bind',
    sandboxParent,
    sandboxParent,
    '--bind',
    socketDir,
    socketDir,
    '--dir',
    WORKER_NEW_ROOT,
    '--chdir',
    '/',
  ];
};
