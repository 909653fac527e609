import t from 'tap';
import { createExecutionSlots, type ExecutionSlots, type QueuedInfo, type SlotAcquired } from '@aws-guard/broker/exec/execution-slots';

/** Lets every settled promise run its callbacks. */
const flush = () => new Promise((resolve) => setImmediate(resolve));

type Tracked = { label: string; agent: string; controller: AbortController; queued: QueuedInfo[]; outcome: SlotAcquired | undefined; done: Promise<SlotAcquired> };

/** Acquires for `agent` and records what happens, so a test can look at it at any point. */
const track = (slots: ExecutionSlots, agent: string, label = agent): Tracked => {
  const controller = new AbortController();
  const queued: QueuedInfo[] = [];
  const entry = { label, agent, controller, queued, outcome: undefined } as Omit<Tracked, 'done'> as Tracked;
  entry.done = slots.acquire({ agent, signal: controller.signal, onQueued: (info) => queued.push(info) }).then((o) => (entry.outcome = o));
  return entry;
};
const release = (entry: Tracked) => {
  if (entry.outcome?.ok !== true) throw new Error(`${entry.label} holds no slot`);
  entry.outcome.release();
};

t.test('up to max requests get a slot at once and are never told they are queued', async (t) => {
  for (const max of [1, 2, 3, 8]) {
    const slots = createExecutionSlots({ max, maxPerAgent: max });
    const first = Array.from({ length: max }, (_, i) => track(slots, `agent-${i % 2}`));
    await flush();
    t.ok(first.every((e) => e.outcome?.ok === true && e.queued.length === 0), `max ${max}: all granted, none queued`);
    t.same(slots.stats(), { running: max, queued: 0 }, `max ${max}: stats`);
    const extra = track(slots, 'agent-0');
    await flush();
    t.equal(extra.outcome, undefined, `max ${max}: one more waits`);
    t.same(extra.queued, [{ position: 0, limit: 'broker', running: max, max }], `max ${max}: told once, first in line`);
    t.same(slots.stats(), { running: max, queued: 1 });
    release(first[0]!);
    await flush();
    t.equal(extra.outcome?.ok, true, `max ${max}: a release hands the slot to the waiting request`);
    t.same(slots.stats(), { running: max, queued: 0 });
  }
});

// [what, max, arrival order of agents while every slot is taken, the order they must be served in]
// Labels are agent + its nth request; while slots are full, arrivals only queue.
const fairness: Array<[string, number, string[], string[]]> = [
  ['one agent alone is served first in, first out', 1, ['a', 'a', 'a'], ['a1', 'a2', 'a3']],
  ['a flooding agent does not block a single command of another', 1, ['a', 'a', 'a', 'a', 'a', 'b'], ['a1', 'b1', 'a2', 'a3', 'a4', 'a5']],
  ['three agents take turns, one request each', 1, ['a', 'a', 'a', 'b', 'b', 'c'], ['a1', 'b1', 'c1', 'a2', 'b2', 'a3']],
  ['interleaved arrivals keep each agent in order', 1, ['b', 'a', 'b', 'a', 'c', 'b'], ['b1', 'a1', 'c1', 'b2', 'a2', 'b3']],
  ['with more slots the turn order is the same', 3, ['a', 'a', 'a', 'a', 'b', 'c', 'c'], ['a1', 'b1', 'c1', 'a2', 'c2', 'a3', 'a4']],
];

t.test('one agent with 50 queued costs another agent one turn, not 50', async (t) => {
  const slots = createExecutionSlots({ max: 2, maxPerAgent: 2 });
  const holders = [track(slots, 'a'), track(slots, 'a')];
  const flood = Array.from({ length: 50 }, (_, i) => track(slots, 'a', `a${i + 1}`));
  const single = track(slots, 'b');
  t.same(flood.at(-1)?.queued, [{ position: 49, limit: 'broker', running: 2, max: 2 }]);
  t.same(single.queued, [{ position: 1, limit: 'broker', running: 2, max: 2 }], 'only the head of the flood is ahead');
  await flush();
  release(holders[0]!);
  release(holders[1]!);
  await flush();
  t.same([flood[0]!.outcome?.ok, single.outcome?.ok, flood[1]!.outcome?.ok], [true, true, undefined]);
});

t.test('the queue is round-robin across agents, and a position counts the waiting requests served first', async (t) => {
  for (const [what, max, arrivals, order] of fairness) {
    const slots = createExecutionSlots({ max, maxPerAgent: max });
    const holders = Array.from({ length: max }, () => track(slots, 'holder'));
    const seen = new Map<string, number>();
    const waiting = arrivals.map((agent) => {
      seen.set(agent, (seen.get(agent) ?? 0) + 1);
      return track(slots, agent, `${agent}${seen.get(agent)}`);
    });
    await flush();
    // A position counts those already waiting that go first; later arrivals of other agents may still go
    // ahead (that is the fairness), but never reorder those already waiting.
    const positions = Object.fromEntries(waiting.map((e) => [e.label, e.queued.map((q) => q.position)]));
    const aheadAtArrival = (label: string, i: number) => waiting.slice(0, i).filter((e) => order.indexOf(e.label) < order.indexOf(label)).length;
    t.same(positions, Object.fromEntries(waiting.map((e, i) => [e.label, [aheadAtArrival(e.label, i)]])), `${what}: positions`);

    // One slot frees at a time: whoever gets it is next in the service order.
    const served: string[] = [];
    let current = holders[0]!;
    for (let i = 0; i < waiting.length; i++) {
      release(current);
      await flush();
      const granted = waiting.filter((e) => e.outcome?.ok === true && !served.includes(e.label));
      t.equal(granted.length, 1, `${what}: one release, one grant`);
      served.push(granted[0]!.label);
      current = granted[0]!;
    }
    t.same(served, order, `${what}: service order`);
    t.same(slots.stats(), { running: max, queued: 0 }, `${what}: the queue is empty`);
  }
});

t.test('a request cancelled while queued leaves the queue and never gets a slot', async (t) => {
  const slots = createExecutionSlots({ max: 1, maxPerAgent: 1 });
  const holder = track(slots, 'a');
  const [a2, b1, b2] = [track(slots, 'a', 'a2'), track(slots, 'b', 'b1'), track(slots, 'b', 'b2')];
  await flush();
  t.same(slots.stats(), { running: 1, queued: 3 });

  b1.controller.abort('signal');
  await flush();
  t.same(b1.outcome, { ok: false, reason: 'cancelled' }, 'resolves cancelled at once, without waiting for a slot');
  t.same(slots.stats(), { running: 1, queued: 2 }, 'and is no longer counted');

  release(holder);
  await flush();
  t.equal(a2.outcome?.ok, true, 'the next in line gets the slot');
  t.equal(b2.outcome, undefined);
  release(a2);
  await flush();
  t.equal(b2.outcome?.ok, true, "b's later request still gets its turn");
  t.same(b1.outcome, { ok: false, reason: 'cancelled' }, 'the cancelled one stays cancelled');
  t.same(slots.stats(), { running: 1, queued: 0 });
});

t.test("cancelling an agent's only waiting request gives up its turn: a later request queues at the back", async (t) => {
  const slots = createExecutionSlots({ max: 1, maxPerAgent: 1 });
  let current = track(slots, 'x');
  const [b1, a1, a2] = [track(slots, 'b', 'b1'), track(slots, 'a', 'a1'), track(slots, 'a', 'a2')];
  b1.controller.abort();
  await flush();
  const c1 = track(slots, 'c', 'c1');
  const b2 = track(slots, 'b', 'b2');
  t.same([c1.queued[0]?.position, b2.queued[0]?.position], [1, 2], 'b comes back after c, not in its old place');
  const served: string[] = [];
  for (const _ of [a1, c1, b2, a2]) {
    release(current);
    await flush();
    current = [a1, c1, b2, a2].find((e) => e.outcome?.ok === true && !served.includes(e.label))!;
    served.push(current.label);
  }
  t.same(served, ['a1', 'c1', 'b2', 'a2']);
});

t.test('a request whose signal is already aborted is cancelled even when a slot is free', async (t) => {
  const slots = createExecutionSlots({ max: 2, maxPerAgent: 2 });
  const controller = new AbortController();
  controller.abort();
  let told = 0;
  const outcome = await slots.acquire({ agent: 'a', signal: controller.signal, onQueued: () => told++ });
  t.same(outcome, { ok: false, reason: 'cancelled' });
  t.equal(told, 0);
  t.same(slots.stats(), { running: 0, queued: 0 });
});

t.test('a request aborted from inside onQueued (a failed send) is not left in the queue', async (t) => {
  const slots = createExecutionSlots({ max: 1, maxPerAgent: 1 });
  track(slots, 'a');
  const controller = new AbortController();
  const outcome = await slots.acquire({ agent: 'b', signal: controller.signal, onQueued: () => controller.abort('disconnect') });
  t.same(outcome, { ok: false, reason: 'cancelled' });
  t.same(slots.stats(), { running: 1, queued: 0 });
});

t.test('an onQueued that throws rejects the acquire and leaves nothing queued', async (t) => {
  const slots = createExecutionSlots({ max: 1, maxPerAgent: 1 });
  track(slots, 'a');
  t.throws(() => slots.acquire({ agent: 'b', signal: new AbortController().signal, onQueued: () => { throw new Error('socket gone'); } }), /socket gone/);
  t.same(slots.stats(), { running: 1, queued: 0 });
});

t.test('an abort after the slot was granted changes nothing: the holder releases it', async (t) => {
  const slots = createExecutionSlots({ max: 1, maxPerAgent: 1 });
  const holder = track(slots, 'a');
  const waiter = track(slots, 'b');
  await flush();
  holder.controller.abort();
  await flush();
  t.equal(holder.outcome?.ok, true);
  t.equal(waiter.outcome, undefined, 'the slot is still held');
  release(holder);
  await flush();
  t.equal(waiter.outcome?.ok, true);
  waiter.controller.abort();
  t.same(slots.stats(), { running: 1, queued: 0 });
});

t.test('release is idempotent: a second call frees no second slot', async (t) => {
  const slots = createExecutionSlots({ max: 1, maxPerAgent: 1 });
  const holder = track(slots, 'a');
  const [w1, w2] = [track(slots, 'b'), track(slots, 'c')];
  await flush();
  release(holder);
  release(holder);
  await flush();
  t.equal(w1.outcome?.ok, true);
  t.equal(w2.outcome, undefined, 'only one waiter got in');
  t.same(slots.stats(), { running: 1, queued: 1 });
  release(w1);
  release(w1);
  await flush();
  release(w2);
  release(w2);
  t.same(slots.stats(), { running: 0, queued: 0 }, 'running never goes below zero');
});

t.test('under a concurrent workload no more than max ever run, and every request runs once', async (t) => {
  for (const max of [1, 3]) {
    const slots = createExecutionSlots({ max, maxPerAgent: max });
    let running = 0;
    let peak = 0;
    const ran: number[] = [];
    const work = async (i: number) => {
      const slot = await slots.acquire({ agent: `agent-${i % 4}`, signal: new AbortController().signal, onQueued: () => undefined });
      if (!slot.ok) throw new Error('not cancelled, so it must get a slot');
      running++;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setTimeout(resolve, i % 3));
      running--;
      ran.push(i);
      slot.release();
    };
    await Promise.all(Array.from({ length: 40 }, (_, i) => work(i)));
    t.equal(peak, max, `max ${max}: the limit is reached and never exceeded`);
    t.same([...ran].sort((a, b) => a - b), Array.from({ length: 40 }, (_, i) => i), `max ${max}: all ran`);
    t.same(slots.stats(), { running: 0, queued: 0 });
  }
});

t.test('a max that is not a positive integer is a wiring bug', async (t) => {
  for (const max of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) t.throws(() => createExecutionSlots({ max, maxPerAgent: max }), RangeError, String(max));
});

t.test('the limiter and what it returns are frozen', async (t) => {
  const slots = createExecutionSlots({ max: 1, maxPerAgent: 1 });
  const entry = track(slots, 'a');
  track(slots, 'b');
  await flush();
  t.ok(Object.isFrozen(slots) && Object.isFrozen(slots.stats()) && Object.isFrozen(entry.outcome));
});

// [what, max, maxPerAgent, arrivals (agent letters, in order), labels holding a slot once all arrived]
const caps: Array<[string, number, number, string[], string[]]> = [
  ['one agent alone never takes more than its cap, though slots are free', 4, 2, ['a', 'a', 'a', 'a'], ['a1', 'a2']],
  ['the slots an agent at its cap leaves free go to the next agent at once', 4, 2, ['a', 'a', 'a', 'b', 'b', 'b'], ['a1', 'a2', 'b1', 'b2']],
  ['a cap equal to the limit is no cap', 3, 3, ['a', 'a', 'a', 'b'], ['a1', 'a2', 'a3']],
  ['by default half the slots (rounded up)', 5, 0, ['a', 'a', 'a', 'a', 'b', 'b'], ['a1', 'a2', 'a3', 'b1', 'b2']],
];

t.test('a cap per agent keeps slots free for the others', async (t) => {
  for (const [what, max, perAgent, arrivals, holding] of caps) {
    const slots = createExecutionSlots(perAgent === 0 ? { max } : { max, maxPerAgent: perAgent });
    const seen = new Map<string, number>();
    const entries = arrivals.map((agent) => {
      const n = (seen.get(agent) ?? 0) + 1;
      seen.set(agent, n);
      return track(slots, agent, `${agent}${n}`);
    });
    await flush();
    t.same(entries.filter((e) => e.outcome?.ok === true).map((e) => e.label), holding, what);
  }
});

t.test('an agent waiting at its cap is told so, and takes its next slot when one of its own ends', async (t) => {
  const slots = createExecutionSlots({ max: 4, maxPerAgent: 2 });
  const a = [track(slots, 'a'), track(slots, 'a')];
  const a3 = track(slots, 'a', 'a3');
  t.same(a3.queued, [{ position: 0, limit: 'agent', running: 2, max: 2 }], 'its own limit, not the broker\'s: slots are free');
  const b = [track(slots, 'b'), track(slots, 'b')];
  await flush();
  t.ok(b.every((e) => e.outcome?.ok === true && e.queued.length === 0), 'another agent takes the free slots without queueing');
  const c = track(slots, 'c');
  t.same(c.queued, [{ position: 1, limit: 'broker', running: 4, max: 4 }], 'every slot taken: the broker\'s limit');
  release(b[0]!);
  await flush();
  t.equal(a3.outcome, undefined, 'a slot freed by b does not go to a, which is at its cap');
  t.equal(c.outcome?.ok, true, 'it goes to c, though a queued first');
  release(a[0]!);
  await flush();
  t.equal(a3.outcome?.ok, true, 'a slot of its own ending lets a run its next');
  t.same(slots.stats(), { running: 4, queued: 0 });
});

t.test('a cap per agent outside 1..max is a wiring bug', async (t) => {
  for (const maxPerAgent of [0, 5, 1.5, Number.NaN]) t.throws(() => createExecutionSlots({ max: 4, maxPerAgent }), RangeError, String(maxPerAgent));
});
