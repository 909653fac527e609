// The `aws` shim as a process: it runs on import. `aws` links made by `aws-guard shim install` point straight
// at its bundle (bin/dist/shim.mjs), so that the shim, started on every agent command, loads nothing else; the
// bundle's entry imports it for `aws` links made to bin/aws-guard itself.
import { AWS_GUARD_VERSION } from '@aws-guard/shared/version';
import { boundary } from '../process-boundary.js';
import { processShimIo, runShim } from './run-shim.js';
import { createShimTiming, NO_TIMING } from './shim-timing.js';

const timing = process.env['AWS_GUARD_SHIM_TIMING'] === '1' ? createShimTiming() : NO_TIMING;
timing.mark('loaded');

// async: a throw while reading the process facts (a deleted cwd) reaches the boundary as a rejection.
const main = async (): Promise<number> => runShim(processShimIo(process.argv.slice(2), AWS_GUARD_VERSION, timing));

main().then((code) => {
  timing.mark('done');
  const report = timing.report();
  if (report !== '') process.stderr.write(report);
  process.exit(code);
}, boundary('shim'));
