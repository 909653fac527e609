import t from 'tap';
import { checkJsonObject } from '@aws-guard/shared/audit/check-json-object';

t.test('accepts nested plain JSON', async (t) => {
  const data = { argv: ['s3', 'cp', '-', 's3://b/k'], n: 1.5, ok: true, none: null, nested: { a: [{ b: 'é😀' }] } };
  t.same(checkJsonObject(data), { ok: true, value: data });
  t.equal(checkJsonObject(Object.create(null)).ok, true, 'a null-prototype object is plain');
});

const rejected: Array<[string, unknown, string]> = [
  ['an array at the top', ['a'], 'data'],
  ['a string at the top', 'x', 'data'],
  ['NaN', { n: Number.NaN }, 'data.n'],
  ['Infinity', { n: [1, Number.POSITIVE_INFINITY] }, 'data.n[1]'],
  ['undefined', { u: undefined }, 'data.u'],
  ['a hole in an array', { a: [1, , 3] }, 'data.a[1]'], // eslint-disable-line no-sparse-arrays
  ['a Date', { at: new Date(0) }, 'data.at'],
  ['a Buffer', { b: Buffer.from('x') }, 'data.b'],
  ['a function', { f: () => 1 }, 'data.f'],
  ['a bigint', { big: 1n }, 'data.big'],
  ['an unpaired surrogate', { s: 'a\uD800b' }, 'data.s'],
  ['an unpaired surrogate in a key', { 'k\uDC00': 1 }, 'data'],
];

for (const [name, value, path] of rejected) {
  t.test(`rejects ${name}, naming where`, async (t) => {
    const result = checkJsonObject(value);
    t.match(result, { ok: false, issue: { code: 'AUDIT_DATA_NOT_JSON', path } });
  });
}

t.test('rejects a cycle instead of recursing forever', async (t) => {
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  t.match(checkJsonObject(cyclic), { ok: false, issue: { message: /nested deeper than 64/ } });
});
