// botocore's own service models, read straight from the installed botocore data directory: the independent
// reference the generated model is checked against.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { pythonBin } from './cli-oracle.js';

export const botocoreDataDir = (): string => {
  const run = spawnSync(pythonBin(), ['-c', 'import botocore, os; print(os.path.join(os.path.dirname(botocore.__file__), "data"))'], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`botocore is needed to check the model (python3 -m pip install awscli, or set AWS_GUARD_PYTHON): ${run.stderr}`);
  return run.stdout.trim();
};

/** The operation names of a service's newest API version, as botocore's service-2.json spells them. */
export const botocoreOperations = (data: string, service: string): Set<string> => {
  const versions = readdirSync(join(data, service)).filter((v) => /^\d{4}-\d\d-\d\d$/.test(v)).sort();
  const dir = join(data, service, versions.at(-1) as string);
  const plain = join(dir, 'service-2.json');
  const text = existsSync(plain) ? readFileSync(plain, 'utf8') : gunzipSync(readFileSync(`${plain}.gz`)).toString('utf8');
  return new Set(Object.keys((JSON.parse(text) as { operations: Record<string, unknown> }).operations));
};
