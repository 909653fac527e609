// The committed model (packages/shared/model) is exactly what scripts/generate-aws-model.mjs produces from the
// AWS CLI installed here: regenerate into a temporary directory and compare every file byte for byte.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sourceModelDir } from '@aws-guard/shared/aws-model/model-store';
import { oracleAvailable } from '../helpers/cli-oracle.js';

const generator = fileURLToPath(new URL('../../../../scripts/generate-aws-model.mjs', import.meta.url));

t.test('the committed model is what the generator writes for the installed CLI', async (t) => {
  const missing = oracleAvailable();
  if (missing !== null) {
    t.fail(missing);
    return;
  }
  const out = mkdtempSync(join(tmpdir(), 'aws-model-gen-'));
  t.teardown(() => rmSync(out, { recursive: true, force: true }));
  const run = spawnSync(process.execPath, [generator, '--out', out], { encoding: 'utf8', timeout: 280_000 });
  t.equal(run.status, 0, `generator exit code (stderr: ${run.stderr.slice(-500)})`);
  t.comment(run.stdout.trim().split('\n').at(-2) ?? '');
  const committed = sourceModelDir();
  const want = readdirSync(committed).sort();
  const got = readdirSync(out).sort();
  t.same(got, want, 'the same files');
  const differing = want.filter((f) => got.includes(f) && !readFileSync(join(out, f)).equals(readFileSync(join(committed, f))));
  t.same(differing, [], 'every file identical (regenerate with: node scripts/generate-aws-model.mjs)');
});
