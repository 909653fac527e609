// The shim's own client code (packages/cli/src/shim/run-shim.ts) run inside the bench process: one WebSocket per
// command, the real protocol, flow control and exit codes, without a Node start-up per command — so that a
// throughput bench measures the broker, not 1000 shim processes competing for the same two cores.
import { PassThrough } from 'node:stream';
import { join } from 'node:path';
import { root } from './bench-env.mjs';
import { loadTsModule } from '../load-ts-module.mjs';

/** Loads the shim once; `run({ url, token, argv, cwd })` resolves `{ code, ms, stdout, stderr }`. */
export const loadInProcessShim = async () => {
  const { runShim } = await loadTsModule(join(root, 'packages/cli/src/shim/run-shim.ts'));
  const run = async ({ url, token, argv, cwd }) => {
    const stdin = new PassThrough();
    stdin.end();
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    const out = [];
    const err = [];
    stdout.on('data', (c) => out.push(c));
    stderr.on('data', (c) => err.push(c));
    const t0 = performance.now();
    const code = await runShim({
      argv, env: { AWS_GUARD_URL: url, AWS_GUARD_TOKEN: token }, cwd, stdin, stdout, stderr,
      columns: undefined, stderrIsTTY: false, version: 'bench', onSignal: () => () => undefined, timing: { mark: () => undefined, report: () => '' },
    });
    return { code, ms: performance.now() - t0, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() };
  };
  return { run };
};
