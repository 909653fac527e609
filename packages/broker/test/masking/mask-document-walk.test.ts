// The walk's corner cases on small made-up graphs: recursion, lists and maps of secrets, values of every JSON
// type, a value that does not fit the model, secrets in keys, and keys JSON.parse makes awkward.
import t from 'tap';
import type { SensitiveGraph } from '@aws-guard/shared/aws-model/sensitive-paths';
import { MAX_DOCUMENT_DEPTH } from '@aws-guard/broker/masking/mask-document';
import { lengthMask, maskWithGraph } from './document-helpers.js';

t.test('a recursive graph masks the secret at every depth the value reaches', async (t) => {
  const graph: SensitiveGraph = { Tree: { m: { Secret: 'Leaf', Children: 'Trees' } }, Trees: { l: 'Tree' }, Leaf: { m: { Value: 1 } } };
  type Node = { Name: string; Secret: { Value: string }; Children: Node[] };
  const depth = 300;
  let tree: Node = { Name: 'n0', Secret: { Value: 'secret-0' }, Children: [] };
  for (let i = 1; i < depth; i++) tree = { Name: `n${i}`, Secret: { Value: `secret-${i}` }, Children: [tree, { Name: 'x', Secret: { Value: 'sibling' }, Children: [] }] };
  const { value, masked } = maskWithGraph(graph, 'Tree', tree);
  const text = JSON.stringify(value);
  t.notOk(/secret-\d|sibling/.test(text), 'no secret survives at any depth');
  t.ok(text.includes('"Name":"n0"'), 'the deepest node is still there');
  t.equal(Object.values(masked).reduce((a, b) => a + b, 0), depth + (depth - 1));
  t.equal(masked['Secret.Value'], 1);
  t.equal(masked['Children[].Secret.Value'], 2, 'counted by the path sensitive-paths.ts would write');
});

t.test('values of every type are masked whole; null stays null', async (t) => {
  const graph: SensitiveGraph = { Out: { m: { Pin: 1, Enabled: 1, Blob: 1, Doc: 1, Empty: 1, Gone: 1, Keys: 'KeyList', Vault: 'KeyMap' } }, KeyList: { l: 1 }, KeyMap: { v: 1 } };
  const { value, masked } = maskWithGraph(graph, 'Out', {
    Pin: 1234, Enabled: true, Blob: 'AAEC', Doc: { a: [1, 2] }, Empty: '', Gone: null, Keys: ['k1', 'key2', null], Vault: { x: 'abc', y: null }, Plain: 'stays',
  });
  t.same(value, {
    Pin: lengthMask('Pin', 4),
    Enabled: lengthMask('Enabled', 4),
    Blob: lengthMask('Blob', 4),
    Doc: lengthMask('Doc', JSON.stringify({ a: [1, 2] }).length),
    Empty: lengthMask('Empty', 0),
    Gone: null,
    Keys: [lengthMask('Keys', 2), lengthMask('Keys', 4), null],
    Vault: { x: lengthMask('Vault', 3), y: null },
    Plain: 'stays',
  });
  t.same(masked, { Pin: 1, Enabled: 1, Blob: 1, Doc: 1, Empty: 1, 'Keys[]': 2, 'Vault.*': 1 });
});

t.test('a whole output that is a list, and its items', async (t) => {
  t.same(maskWithGraph({ Out: { l: 1 } }, 'Out', ['a', 'b']).value, [lengthMask('GetThing', 1), lengthMask('GetThing', 1)]);
  t.same(maskWithGraph({ Out: { l: 1 } }, 'Out', ['a']).masked, { '@[]': 1 });
  t.same(maskWithGraph({}, true, 'bare').value, lengthMask('GetThing', 4), 'a whole sensitive output that is no object is one mask');
});

t.test('a value that does not fit the model is masked whole (fail closed)', async (t) => {
  const graph: SensitiveGraph = { Out: { m: { Creds: 'Creds', Items: 'Items', Ghost: 'NoSuchShape' } }, Creds: { m: { Key: 1 } }, Items: { l: 'Creds' } };
  const { value, masked } = maskWithGraph(graph, 'Out', { Creds: 'a-string-not-a-structure', Items: { not: 'a list' }, Ghost: { Key: 'x' }, Other: 1 });
  t.same(value, { Creds: lengthMask('Creds', 24), Items: lengthMask('Items', JSON.stringify({ not: 'a list' }).length), Ghost: lengthMask('Ghost', 11), Other: 1 });
  t.same(masked, { Creds: 1, Items: 1, Ghost: 1 });
  t.same(maskWithGraph(graph, 'Out', { Creds: 7 }).value, { Creds: lengthMask('Creds', 1) }, 'a number where a structure was expected');
});

t.test('secrets in keys are masked too, and masked keys never collide', async (t) => {
  const { value, masked } = maskWithGraph({}, null, { AKIAIOSFODNN7EXAMPLE: 'alice', AKIAI44QH8DHBEXAMPLE: 'bob', plain: 1 });
  t.same(value, { [lengthMask('AccessKeyId', 20)]: 'alice', [`${lengthMask('AccessKeyId', 20)} #2`]: 'bob', plain: 1 });
  t.same(masked, { AccessKeyId: 2 });
});

t.test('__proto__ from JSON.parse stays an own key and sets no prototype', async (t) => {
  const parsed = JSON.parse('{"__proto__": {"polluted": "AKIAIOSFODNN7EXAMPLE"}, "x": "AKIAIOSFODNN7EXAMPLE"}') as Record<string, unknown>;
  const { value } = maskWithGraph({}, null, parsed);
  const out = value as Record<string, unknown>;
  t.ok(Object.hasOwn(out, '__proto__'), 'kept as a key');
  t.equal(Object.getPrototypeOf(out), Object.prototype);
  t.same(JSON.parse(JSON.stringify(out)), JSON.parse(`{"__proto__": {"polluted": "${lengthMask('AccessKeyId', 20)}"}, "x": "${lengthMask('AccessKeyId', 20)}"}`));
  t.equal(({} as Record<string, unknown>)['polluted'], undefined);
});

t.test('an output without secrets comes back as the very same value', async (t) => {
  const output = { Buckets: [{ Name: 'logs', CreationDate: '2026-01-01' }], Owner: { ID: 'abc' }, Count: 3, Truncated: false };
  const result = maskWithGraph({}, null, output);
  t.equal(result.value, output);
  t.same(result.masked, {});
});

t.test('a value nested deeper than any AWS output is masked below the limit, not walked', async (t) => {
  const n = 100_000;
  const deep = JSON.parse(`{"Items":${'['.repeat(n)}"AKIAIOSFODNN7EXAMPLE"${']'.repeat(n)}}`) as unknown;
  const { value, masked } = maskWithGraph({}, null, deep);
  t.same(masked, { NestedTooDeep: 1 });
  let at: unknown = (value as { Items: unknown }).Items;
  let levels = 1;
  while (Array.isArray(at)) {
    at = at[0];
    levels++;
  }
  t.equal(at, '****(masked: Items, nested too deep)');
  t.equal(levels, MAX_DOCUMENT_DEPTH + 1, 'cut just below the limit');
});
