// What confines the real CLI: the modes an operator can ask for, the plan chosen once at start
// (select-isolation.ts), and that plan applied to one request's sandbox. No I/O here.
import { dirname } from 'node:path';
import type { BindMount, BwrapSpec, HiddenPath } from './bwrap-argv.js';
import type { SandboxPaths } from './sandbox-env.js';

export const ISOLATION_MODES = ['auto', 'bwrap', 'none'] as const;
/** `auto`: bwrap when it works here, else none; `bwrap`: bwrap or the broker does not start; `none`: never. */
export type IsolationMode = (typeof ISOLATION_MODES)[number];

/** Chosen at start, for the broker's whole life. */
export type IsolationPlan =
  | Readonly<{ kind: 'none'; reason: string }>
  | Readonly<{
      kind: 'bwrap';
      bwrapPath: string;
      bwrapVersion: string;
      /** Host paths bound read-only (system dirs, /etc files, the CLI's own installation). */
      readOnly: readonly string[];
      /** Paths under `readOnly` covered up (the broker's data dir, config and policy files). */
      hidden: readonly HiddenPath[];
    }>;

/** What run-aws-cli.ts receives for one command. */
export type ExecIsolation = Readonly<{ kind: 'none' }> | (Readonly<{ kind: 'bwrap'; bwrapPath: string }> & BwrapSpec);

/** The agent's cwd and the binds that show staged files at the agent's paths (files/agent-view.ts). */
export type SandboxView = Readonly<{ cwd: string; mounts: readonly BindMount[] }>;

/**
 * The plan for one request: its sandbox is the only writable host path, its config files read-only. With a
 * view, parts of the sandbox are also shown at the agent's paths and the CLI starts in the agent's cwd.
 */
export const sandboxIsolation = (plan: IsolationPlan, sandbox: SandboxPaths, view: SandboxView | null = null): ExecIsolation =>
  plan.kind === 'none'
    ? { kind: 'none' }
    : {
        kind: 'bwrap',
        bwrapPath: plan.bwrapPath,
        readOnly: plan.readOnly,
        hidden: plan.hidden,
        writable: [sandbox.root],
        // The CLI reads its broker-owned config and (empty) credentials file; it has no reason to write them.
        readOnlyWithin: [...new Set([dirname(sandbox.configFile), dirname(sandbox.credentialsFile)])],
        mounts: view?.mounts ?? [],
        chdir: view?.cwd ?? null,
      };

/** One line for the start-up log and `aws-guard doctor`. */
export const describeIsolation = (plan: IsolationPlan): string =>
  plan.kind === 'none'
    ? `none (${plan.reason})`
    : `bwrap ${plan.bwrapVersion} (${plan.bwrapPath}): the CLI sees only system directories, its own installation and its request's sandbox`;
