// Output paths: the trie matches what the paths say, and the policy loader's syntax check accepts exactly what
// the masker compiles (the two must agree: policy-schema.ts OUTPUT_PATH, masking/output-paths.ts).
import t from 'tap';
import { compilePaths, NO_PATHS, pathEndingHere, stepItem, stepMember, type PathState } from '@aws-guard/broker/masking/output-paths';
import { OUTPUT_PATH } from '@aws-guard/broker/policy/policy-schema';

/** Walks `steps` (`[]` = a list item, anything else a member) and says which path ends there. */
const at = (state: PathState, steps: readonly string[]): string | undefined =>
  pathEndingHere(steps.reduce((s, step) => (step === '[]' ? stepItem(s) : stepMember(s, step)), state));

t.test('paths match members, list items and any member', async (t) => {
  const paths = compilePaths(['SecretString', 'Parameters[].Value', 'Tags.*', 'A[][].B', '@[]', 'SecretValues[].SecretString']);
  t.equal(at(paths, ['SecretString']), 'SecretString');
  t.equal(at(paths, ['Parameters', '[]', 'Value']), 'Parameters[].Value');
  t.equal(at(paths, ['Parameters', 'Value']), undefined, 'not without the list');
  t.equal(at(paths, ['Tags', 'anything']), 'Tags.*');
  t.equal(at(paths, ['Tags']), undefined);
  t.equal(at(paths, ['A', '[]', '[]', 'B']), 'A[][].B');
  t.equal(at(paths, ['[]']), '@[]');
  t.equal(at(paths, []), undefined);
  t.equal(at(compilePaths(['@']), []), '@');
  t.equal(compilePaths([]), NO_PATHS);
  t.equal(stepMember(NO_PATHS, 'x'), NO_PATHS);
});

const VALID = ['@', '@[]', '@[].Name', 'SecretString', 'Parameters[].Value', 'Tags.*', '*', '*.Value', 'A[][].B_c-d', 'Credentials.SessionToken'];
const INVALID = ['', '.', 'A.', '.A', 'A..B', 'A.@', 'A[*]', 'A[0]', 'A[]B', 'A B', "A['b']", '$.A', 'A/B', 'A.**'];

t.test('the policy accepts exactly the paths the masker compiles', async (t) => {
  for (const path of VALID) {
    t.ok(OUTPUT_PATH.test(path), `policy accepts ${path}`);
    t.doesNotThrow(() => compilePaths([path]), `masker compiles ${path}`);
  }
  for (const path of INVALID) {
    t.notOk(OUTPUT_PATH.test(path), `policy refuses ${JSON.stringify(path)}`);
    t.throws(() => compilePaths([path]), `masker refuses ${JSON.stringify(path)}`);
  }
});
