import t from 'tap';
import { splitInput, type KeyPress } from '../../src/tui/split-input.js';

const split = (input: string, typingAfter = Infinity): KeyPress[] => {
  let seen = 0;
  const out: KeyPress[] = [];
  for (const press of splitInput(input, {}, () => seen >= typingAfter)) {
    out.push(press);
    seen += 1;
  }
  return out;
};

t.test('a single key or a named key passes through as it came', async (t) => {
  t.same(split('j'), [['j', {}]]);
  t.same([...splitInput('', { upArrow: true }, () => false)], [['', { upArrow: true }]]);
  t.same([...splitInput('\u001b[A', {}, () => false)], [['\u001b[A', {}]], 'escape sequences are left to ink');
});

t.test('a burst outside text entry becomes one press per character', async (t) => {
  t.same(split('jjk\r'), [
    ['j', {}],
    ['j', {}],
    ['k', {}],
    ['', { return: true }],
  ]);
  t.same(split('x\u007f\u0003'), [
    ['x', {}],
    ['', { backspace: true }],
    ['c', { ctrl: true }],
  ]);
});

t.test('once a press opens text entry, the rest of the burst is typed, and only a lone final Enter submits', async (t) => {
  t.same(split('alooks ok\r', 1), [
    ['a', {}],
    ['looks ok', {}],
    ['', { return: true }],
  ]);
  t.same(split('dline one\rline two\r', 1), [
    ['d', {}],
    ['line one\rline two', {}],
  ]);
  t.same(split('/s3', 1), [
    ['/', {}],
    ['s3', {}],
  ]);
});
