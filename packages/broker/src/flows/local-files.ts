// The local-file steps of one command, in the order run-command needs them: stage inputs before the approval
// (so the approved hash covers their contents), fetch what an upload tree really needs once credentials exist
// (the CLI's dry run decides), note the outputs' state, and after the run return what the CLI wrote.
import { rm } from 'node:fs/promises';
import type { AwsCommand } from '@aws-guard/shared/command/aws-command';
import { fail, ok, type Result } from '@aws-guard/shared/result';
import type { AgentChannel } from '../server/agent-channel.js';
import type { SandboxPaths } from '../exec/sandbox-env.js';
import { createFileExchange, type FileLimits } from '../files/file-exchange.js';
import { planLocalFiles } from '../files/plan-local-files.js';
import { viewMounts, type AgentView, type ViewMount } from '../files/agent-view.js';
import { dryrunArgv, rewriteArgv, type Reparse } from '../files/rewrite-argv.js';
import { checkSizes, fetchInto, fetchOf, stageLocalFiles, stagedPath, type StagedRoot } from '../files/stage-local-files.js';
import { neededFiles } from '../files/dryrun-needed.js';
import { returnLocalFiles, snapshotOutputs, type Returned } from '../files/return-local-files.js';
import type { Snapshot } from '../files/tree-snapshot.js';
import { approvalFiles } from '../files/approval-files.js';
import type { ApprovalFile } from '@aws-guard/shared/approval/approval-request';
import type { JsonObject } from '@aws-guard/shared/audit/audit-record';

export type DryRun = (argv: readonly string[]) => Promise<{ exitCode: number; stdout: string }>;

export type LocalFiles = Readonly<{
  /** The argv the CLI runs with: staged paths in place of the agent's where they differ. */
  argv: readonly string[];
  /** Under an agent view: the binds that show the staged files at the agent's paths, the work dir at its cwd. */
  mounts: readonly ViewMount[];
  digests: readonly string[];
  /** What an approver sees of the files. */
  approvalFiles: () => Promise<readonly ApprovalFile[]>;
  /** After approval and credentials: the upload trees' needed files, then the outputs' state. */
  prepare: (dryRun: DryRun) => Promise<Result<void, string>>;
  /** After the CLI exited: its files back to the agent. */
  finish: () => Promise<Result<Returned, string>>;
  /** For the audit: counts, and the dry run when one ran (it is a second CLI run with the command's credentials). */
  summary: () => JsonObject;
  close: () => void;
}>;

export type LocalFilesDeps = Readonly<{
  channel: AgentChannel;
  sandbox: SandboxPaths;
  limits: FileLimits;
  requestId: string;
  reparse: Reparse;
  /** Null without bwrap (or when the agent's cwd cannot be shown): paths outside the cwd are then rewritten. */
  view: AgentView | null;
}>;

export const openLocalFiles = async (deps: LocalFilesDeps, cmd: AwsCommand): Promise<Result<LocalFiles, string>> => {
  const plans = planLocalFiles(cmd, deps.view);
  const rewritten = rewriteArgv(cmd, plans, deps.reparse);
  if (!rewritten.ok) return rewritten;
  const mountDirs = plans.flatMap((p) => (p.mountDir === null ? [] : [p.mountDir]));
  const mounts = deps.view === null ? [] : viewMounts(deps.view, deps.sandbox.work, mountDirs);
  const none: LocalFiles = Object.freeze({
    argv: rewritten.value.argv,
    mounts,
    digests: [],
    approvalFiles: async () => [],
    prepare: async () => ok(undefined),
    finish: async () => ok({ files: 0, bytes: 0, deleted: 0 }),
    summary: () => ({}),
    close: () => undefined,
  });
  if (plans.length === 0) return ok(none);

  const exchange = createFileExchange(deps.channel.files, deps.channel.cancelled, deps.limits);
  const staged = await stageLocalFiles({ exchange, work: deps.sandbox.work, limits: deps.limits, requestId: deps.requestId }, plans);
  if (!staged.ok) {
    exchange.close();
    return staged;
  }
  const { roots } = staged.value;
  let bytesIn = staged.value.bytesIn;
  let filesIn = staged.value.filesIn;
  let before: ReadonlyMap<number, Snapshot> = new Map();
  let returned: Returned = { files: 0, bytes: 0, deleted: 0 };
  let dryRunRecord: JsonObject | undefined;

  const fetchTrees = async (dryRun: DryRun): Promise<Result<void, string>> => {
    const trees = roots.filter((r) => r.plan.reads === 'tree-needed' && r.listed.stat.kind === 'dir');
    if (trees.length === 0) return ok(undefined);
    // --quiet and --only-show-errors silence the dry run's report: then every listed file is sent.
    const quiet = cmd.params['quiet'] === true || cmd.params['only-show-errors'] === true;
    const argv = quiet ? null : dryrunArgv(rewritten.value.argv, rewritten.value.cmd, deps.reparse);
    const report = argv === null ? null : await dryRun(argv);
    if (argv !== null && report !== null) dryRunRecord = { argv: [...argv], exitCode: report.exitCode };
    const needed = report === null || report.exitCode !== 0 ? null : neededFiles(report.stdout, deps.view?.cwd ?? deps.sandbox.work, trees);
    const wanted = (root: StagedRoot) => root.listed.entries.filter((e) => needed === null || needed.get(root.plan.id)?.has(e.path) === true);
    const fetches = trees.flatMap((root) => wanted(root).map((e) => fetchOf(root, e.path, e.size, e.mtimeMs)));
    const sizes = checkSizes(fetches, { ...deps.limits, maxTotalBytes: deps.limits.maxTotalBytes - bytesIn });
    if (!sizes.ok) return fail(sizes.issue.code, sizes.issue.message);
    const fetched = await fetchInto(exchange, fetches);
    if (!fetched.ok) return fetched;
    bytesIn += fetches.reduce((n, f) => n + f.size, 0);
    filesIn += fetches.length;
    // Stubs the CLI will not send go, unless it deletes remote objects that have no local file (sync --delete).
    for (const root of trees)
      if (!root.plan.deletes) {
        const keep = new Set(wanted(root).map((e) => e.path));
        for (const e of root.listed.entries) if (!keep.has(e.path)) await rm(stagedPath(root, e.path), { force: true });
      }
    return ok(undefined);
  };

  return ok(
    Object.freeze({
      argv: rewritten.value.argv,
      mounts,
      digests: staged.value.digests,
      approvalFiles: () => approvalFiles(roots),
      prepare: async (dryRun: DryRun) => {
        const trees = await fetchTrees(dryRun);
        if (!trees.ok) return trees;
        before = await snapshotOutputs(roots);
        return ok(undefined);
      },
      finish: async () => {
        const result = await returnLocalFiles(exchange, roots, before, deps.limits);
        if (result.ok) returned = result.value;
        return result;
      },
      summary: () => ({ roots: roots.length, filesIn, bytesIn, filesOut: returned.files, bytesOut: returned.bytes, deleted: returned.deleted, ...(dryRunRecord === undefined ? {} : { dryRun: dryRunRecord }) }),
      close: () => exchange.close(),
    }),
  );
};
