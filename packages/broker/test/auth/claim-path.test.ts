import t from 'tap';
import { readClaim } from '@aws-guard/broker/auth/claim-path';

const k8s = { sub: 'system:serviceaccount:ns:sa', 'kubernetes.io': { namespace: 'ns', serviceaccount: { name: 'sa' } }, nested: { deep: { value: 3 } } };
const ambiguous = { a: { b: 'one' }, 'a.b': 'two' };

t.test('claim paths resolve top-level, nested and dotted keys', async (t) => {
  const table: [unknown, string | string[], string][] = [
    [k8s, 'sub', 'system:serviceaccount:ns:sa'],
    [k8s, 'kubernetes.io.namespace', 'ns'],
    [k8s, 'kubernetes.io.serviceaccount.name', 'sa'],
    [k8s, ['kubernetes.io', 'serviceaccount', 'name'], 'sa'],
    [k8s, 'nested.deep.value', '3'],
    [ambiguous, ['a.b'], 'two'],
    [ambiguous, ['a', 'b'], 'one'],
  ];
  for (const [payload, path, expected] of table) {
    const r = readClaim(payload as Record<string, unknown>, path);
    t.equal(r.ok ? String(r.value) : r.issue.code, expected, JSON.stringify(path));
  }
});

t.test('a missing or ambiguous path is refused, never guessed', async (t) => {
  const table: [unknown, string | string[], string][] = [
    [k8s, 'kubernetes.io.pod.name', 'CLAIM_MISSING'],
    [k8s, 'kubernetes', 'CLAIM_MISSING'],
    [k8s, ['kubernetes', 'io', 'namespace'], 'CLAIM_MISSING'],
    [{ sub: null }, 'sub', 'CLAIM_MISSING'],
    [{}, '__proto__', 'CLAIM_MISSING'],
    [{}, 'constructor.name', 'CLAIM_MISSING'],
    [ambiguous, 'a.b', 'CLAIM_AMBIGUOUS'],
  ];
  for (const [payload, path, expected] of table) {
    const r = readClaim(payload as Record<string, unknown>, path);
    t.equal(r.ok ? `ok:${String(r.value)}` : r.issue.code, expected, JSON.stringify(path));
  }
});
