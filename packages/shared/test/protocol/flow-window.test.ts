import t from 'tap';
import { createFlowWindow } from '@aws-guard/shared/protocol/flow-window';

/** Whether a promise has settled, checked after pending microtasks ran. */
const settled = async (p: Promise<unknown>): Promise<boolean> => {
  let done = false;
  void p.then(() => (done = true));
  await new Promise((r) => setImmediate(r));
  return done;
};

t.test('a new window is open, empty, and whenOpen resolves at once', async (t) => {
  const w = createFlowWindow(10);
  t.equal(w.isOpen(), true);
  t.equal(w.inFlight(), 0);
  t.equal(await settled(w.whenOpen()), true);
});

const sends: Array<[string, number[], boolean[], boolean]> = [
  ['below the limit stays open', [3, 6], [true, true], true],
  ['reaching the limit exactly closes it', [4, 6], [true, false], false],
  ['one send larger than the limit closes it', [25], [false], false],
  ['a zero-byte send changes nothing', [0, 0], [true, true], true],
];

t.test('sent() reports whether the sender may go on', async (t) => {
  for (const [name, bytes, expected, open] of sends) {
    const w = createFlowWindow(10);
    t.same(bytes.map((b) => w.sent(b)), expected, name);
    t.equal(w.isOpen(), open, `${name}: isOpen`);
    t.equal(w.inFlight(), bytes.reduce((a, b) => a + b, 0), `${name}: inFlight`);
  }
});

t.test('whenOpen waits while the window is closed and resolves when an ack opens it', async (t) => {
  const w = createFlowWindow(10);
  w.sent(12);
  const open = w.whenOpen();
  t.equal(await settled(open), false, 'closed: still waiting');
  w.acked(2);
  t.equal(w.inFlight(), 10);
  t.equal(await settled(open), false, 'an ack that leaves it at the limit does not open it');
  w.acked(1);
  t.equal(await settled(open), true, 'below the limit: resolved');
  t.equal(w.isOpen(), true);
});

t.test('waiters resume in the order they started waiting', async (t) => {
  const w = createFlowWindow(4);
  w.sent(4);
  const order: string[] = [];
  const waits = ['first', 'second', 'third'].map((name) => w.whenOpen().then(() => order.push(name)));
  w.acked(4);
  await Promise.all(waits);
  t.same(order, ['first', 'second', 'third']);
});

t.test('a waiter resumes once, not again on later acks', async (t) => {
  const w = createFlowWindow(4);
  w.sent(8);
  let resumed = 0;
  const p = w.whenOpen().then(() => resumed++);
  w.acked(8);
  await p;
  w.sent(8);
  w.acked(8);
  await new Promise((r) => setImmediate(r));
  t.equal(resumed, 1);
});

t.test('a waiter that starts after the window reopened does not wait', async (t) => {
  const w = createFlowWindow(4);
  w.sent(4);
  w.acked(1);
  t.equal(await settled(w.whenOpen()), true);
});

t.test('an ack larger than what is in flight leaves zero in flight, not a negative credit', async (t) => {
  const w = createFlowWindow(10);
  w.sent(3);
  w.acked(100);
  t.equal(w.inFlight(), 0);
  t.equal(w.sent(10), false, 'the full limit applies again: no banked credit');
});

t.test('the window can close and reopen many times', async (t) => {
  const w = createFlowWindow(8);
  for (let round = 0; round < 5; round++) {
    t.equal(w.sent(8), false, `round ${round}: closed`);
    const open = w.whenOpen();
    w.acked(8);
    t.equal(await settled(open), true, `round ${round}: reopened`);
  }
});
