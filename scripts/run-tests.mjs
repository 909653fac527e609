// Runs the test suite in two passes and ends with one `N passed, N failed` line (the sum of both), taken from
// tap's own summaries (tap's `# { total, pass }` line is not one CI reads):
//   1. the whole suite (unit, integration, end-to-end), commands spawned;
//   2. again with the warm executor (docs/warm-executor.md, issue 8), under the default isolation (bubblewrap
//      where it works), exactly the files whose behaviour depends on the executor: those that pass 1 saw start a
//      broker whose executor the pass chooses (the real CLI, no executor of the test's own). test/helpers/broker.ts
//      notes each such file in AWS_GUARD_TEST_EXECUTOR_FILES, so a new file cannot drop out of pass 2 unnoticed;
//      a broker with a fake CLI or its own executor runs the same in both passes, and its file runs once. In
//      pass 2 the helper fails any broker that could run warm but fell back to spawn, so the pass cannot
//      silently test the spawn path twice.
// Arguments are tap's (options as --name=value): files given run in the first pass, those of them noted in the
// second too. docs/testing.md says how to run a single file either way.
// Exit code: non-zero when either pass fails.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

// Where pass 1's brokers note the files to run again (one path relative to the root a line, repeats allowed).
const notedDir = mkdtempSync(join(tmpdir(), 'aws-guard-test-passes-'));
const notedFile = join(notedDir, 'executor-dependent-files');
process.on('exit', () => rmSync(notedDir, { recursive: true, force: true }));

// Each pass's environment, read by test/helpers/broker.ts (brokers a test starts with its own executor or a fake
// CLI keep theirs). The broker's default executor is `auto`, so the first pass names spawn.
const SPAWN_PASS_ENV = { AWS_GUARD_TEST_EXECUTOR: 'spawn', AWS_GUARD_TEST_EXECUTOR_FILES: notedFile };
const WARM_PASS_ENV = { AWS_GUARD_TEST_EXECUTOR: 'warm' };

const args = process.argv.slice(2);
const files = args.filter((a) => !a.startsWith('-'));
const options = args.filter((a) => a.startsWith('-'));

/** The files pass 1 noted, sorted, once each (none: no file started a broker whose executor the pass chooses). */
const notedFiles = () => {
  let text = '';
  try {
    text = readFileSync(notedFile, 'utf8');
  } catch (e) {
    if (e.code !== 'ENOENT') throw e;
  }
  return [...new Set(text.split('\n').filter((f) => f !== ''))].sort();
};

/** Runs tap, streaming its output; resolves with its exit code and the counts of its summary (null: none printed). */
const runTap = (tapArgs, env) =>
  new Promise((resolve) => {
    const tap = spawn('npx', ['--no-install', 'tap', ...tapArgs], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, FORCE_COLOR: '0', ...env } });
    let tail = '';
    tap.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      tail = (tail + chunk.toString()).slice(-8192);
    });
    tap.on('close', (code) => {
      const summary = /# \{ total: (\d+)([^}]*)\}/.exec(tail);
      if (summary === null) return resolve({ code: code || 1, counts: null });
      const field = (name) => Number(new RegExp(`${name}: (\\d+)`).exec(summary[2])?.[1] ?? 0);
      const total = Number(summary[1]);
      const pass = field('pass');
      const skip = field('skip') + field('todo');
      resolve({ code: code ?? 1, counts: { pass, fail: total - pass - skip, skip } });
    });
  });

const line = ({ pass, fail, skip }) => `${pass} passed, ${fail} failed${skip ? `, ${skip} skipped` : ''}`;

const results = [];
const runPass = async (pass) => {
  console.log(`\n==> tests: ${pass.name}`);
  results.push({ ...pass, ...(await runTap(pass.args, pass.env)) });
};

await runPass({ name: files.length === 0 ? 'spawn executor, whole suite' : 'spawn executor', args, env: SPAWN_PASS_ENV });
const warmFiles = notedFiles();
if (warmFiles.length > 0)
  await runPass({ name: `warm executor, ${warmFiles.length} executor-dependent files`, args: [...options, ...warmFiles], env: WARM_PASS_ENV });

const total = { pass: 0, fail: 0, skip: 0 };
console.log('');
for (const r of results) {
  // A pass without a summary counts as one failure: it did not run to the end.
  const counts = r.counts ?? { pass: 0, fail: 1, skip: 0 };
  // Not the `N passed, N failed` shape: CI reads that line, and it must be the sum, printed once, last.
  console.log(`${r.name}: ${counts.pass} pass, ${counts.fail} fail${counts.skip ? `, ${counts.skip} skip` : ''}${r.counts === null ? ' (tap printed no summary)' : ''}`);
  for (const k of Object.keys(total)) total[k] += counts[k];
}
console.log(line(total));
const failed = results.find((r) => r.code !== 0 || r.counts === null || r.counts.fail > 0);
process.exit(failed === undefined ? 0 : failed.code || 1);
