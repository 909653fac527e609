// Python's repr of floats and ints, which json, text and table output print: checked on a table and against the
// CLI's own Python on thousands of doubles of every magnitude.
import t from 'tap';
import { formatJsonNumber, formatPyFloat, formatPyNumber, makeNumber, pyNumber } from '@aws-guard/broker/output/py-number';
import { runCliPython } from './awscli-harness.js';

const REPR: readonly (readonly [number, string])[] = [
  [1, '1.0'],
  [0, '0.0'],
  [-0, '-0.0'],
  [1.5, '1.5'],
  [1e-5, '1e-05'],
  [0.0001, '0.0001'],
  [0.00012, '0.00012'],
  [1e16, '1e+16'],
  [1234567890123456, '1234567890123456.0'],
  [1.5e16, '1.5e+16'],
  [1764180000, '1764180000.0'],
  [1764180000.123, '1764180000.123'],
  [1e300, '1e+300'],
  [5e-324, '5e-324'],
  [0.1 + 0.2, '0.30000000000000004'],
  [-2.5e-7, '-2.5e-07'],
  [Infinity, 'inf'],
  [-Infinity, '-inf'],
  [NaN, 'nan'],
];

for (const [x, expected] of REPR) t.equal(formatPyFloat(x), expected, `repr(${expected}) as Python prints it`);

t.test('ints print their digits, big ones from the lexeme they came from', async (t) => {
  t.equal(formatPyNumber(42), '42');
  t.equal(formatPyNumber(-0), '0', 'Python has no int -0');
  t.equal(formatPyNumber(pyNumber(12345678901234567000, false, '12345678901234567890')), '12345678901234567890');
  t.equal(formatPyNumber(pyNumber(3, true)), '3.0');
  t.equal(formatPyNumber(0.5), '0.5', 'a plain non-integral number is a float');
});

t.test('json.dumps writes non-finite floats as JavaScript-style literals', async (t) => {
  t.equal(formatJsonNumber(NaN), 'NaN');
  t.equal(formatJsonNumber(-Infinity), '-Infinity');
  t.equal(formatJsonNumber(pyNumber(2, true)), '2.0');
});

t.test('makeNumber boxes only what a plain number would get wrong', async (t) => {
  t.equal(makeNumber(2.5, true), 2.5);
  t.same(formatPyNumber(makeNumber(2, true)), '2.0');
  t.equal(makeNumber(7, false), 7);
  t.equal(formatPyNumber(makeNumber(2 ** 60, false)), '1152921504606846976');
});

t.test('matches repr() in the CLI\'s Python on random doubles of every magnitude', async (t) => {
  const bits = new DataView(new ArrayBuffer(8));
  let seed = 7;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648);
  const doubles: number[] = [];
  while (doubles.length < 3000) {
    bits.setUint32(0, next() * 2);
    bits.setUint32(4, next() * 2);
    const x = bits.getFloat64(0);
    if (Number.isFinite(x)) doubles.push(x, Math.round(x), x / 1e300, Number((x % 1e6).toFixed(3)));
  }
  const hex = doubles.map((x) => {
    bits.setFloat64(0, x);
    return bits.getBigUint64(0).toString(16).padStart(16, '0');
  });
  const out = await runCliPython('import sys,struct\nfor h in sys.stdin.read().split(): print(repr(struct.unpack(">d", bytes.fromhex(h))[0]))', hex.join('\n'));
  const python = out.trim().split('\n');
  const wrong = doubles.filter((x, i) => formatPyFloat(x) !== python[i]);
  t.same(wrong, [], `${doubles.length} doubles`);
});
