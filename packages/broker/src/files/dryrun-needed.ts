// Which files of an upload tree the CLI will actually send: the real CLI's own `--dryrun` over the stub tree
// decides (its filters, --exclude/--include order, sync's size and mtime comparison), and its report lines
// name the local files. Parsing is by lookup of the names the CLI would print, never by splitting on spaces.
import { posix } from 'node:path';
import type { StagedRoot } from './stage-local-files.js';

const REPORT = /^\(dryrun\) (?:upload|move): /u;
const TARGET = ' to s3://';

/** How the CLI prints a local file: os.path.join(os.path.relpath(dirname, cwd), basename). */
export const printedName = (work: string, abs: string): string => `${posix.relative(work, posix.dirname(abs)) || '.'}/${posix.basename(abs)}`;

/** `cwd`: the CLI's cwd as it sees it (the agent's under an agent view); roots are named where it sees them. */
export const neededFiles = (stdout: string, cwd: string, roots: readonly StagedRoot[]): ReadonlyMap<number, ReadonlySet<string>> => {
  const byPrinted = new Map<string, { id: number; rel: string }>();
  for (const root of roots)
    for (const entry of root.listed.entries) byPrinted.set(printedName(cwd, `${root.plan.seen ?? root.abs}/${entry.path}`), { id: root.plan.id, rel: entry.path });
  const needed = new Map<number, Set<string>>(roots.map((r) => [r.plan.id, new Set<string>()]));
  for (const line of stdout.split('\n')) {
    const head = REPORT.exec(line);
    if (head === null) continue;
    const rest = line.slice(head[0].length);
    // A file name may itself contain " to s3://": try each occurrence until one names a listed file.
    for (let at = rest.indexOf(TARGET); at !== -1; at = rest.indexOf(TARGET, at + 1)) {
      const found = byPrinted.get(rest.slice(0, at));
      if (found !== undefined) {
        needed.get(found.id)?.add(found.rel);
        break;
      }
    }
  }
  return needed;
};
