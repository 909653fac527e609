// Runs tap over the whole suite, streams its output, and ends with one `N passed, N failed` line taken
// from tap's own summary (tap's `# { total, pass }` line is not one CI reads). Exit code: tap's.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const tap = spawn('npx', ['--no-install', 'tap', ...process.argv.slice(2)], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, FORCE_COLOR: '0' } });
let tail = '';
tap.stdout.on('data', (chunk) => {
  process.stdout.write(chunk);
  tail = (tail + chunk.toString()).slice(-8192);
});
tap.on('close', (code) => {
  const summary = /# \{ total: (\d+)([^}]*)\}/.exec(tail);
  const field = (name) => Number(new RegExp(`${name}: (\\d+)`).exec(summary?.[2] ?? '')?.[1] ?? 0);
  if (summary === null) {
    console.log('0 passed, 1 failed (tap printed no summary)');
    process.exit(code || 1);
  }
  const total = Number(summary[1]);
  const pass = field('pass');
  const skip = field('skip') + field('todo');
  console.log(`${pass} passed, ${total - pass - skip} failed${skip ? `, ${skip} skipped` : ''}`);
  process.exit(code ?? 1);
});
