// How many CLI processes the broker runs at once: a fixed number of slots, and a queue for the rest that is
// fair across agents (round-robin between per-agent FIFO queues), so one agent's flood cannot starve another; and
// a cap per agent, so that one agent's long commands (waiters, transfers) can never hold every slot.
import { defaultMaxPerAgent } from '../config/config-schema.js';

export type QueuedInfo = Readonly<{
  /** How many waiting requests will be served before this one if nothing else arrives (best effort). */
  position: number;
  /** `broker`: every slot is taken; `agent`: slots are free, but this agent holds its cap (`running`/`max` are its). */
  limit: 'broker' | 'agent';
  running: number;
  max: number;
}>;

export type AcquireInput = Readonly<{
  /** The fairness key: requests of one agent queue behind each other, never behind another agent's backlog. */
  agent: string;
  /** Aborting it while the request waits takes it out of the queue; it then resolves `cancelled`. */
  signal: AbortSignal;
  /** Called once, synchronously inside `acquire`, when the request has to wait. */
  onQueued: (info: QueuedInfo) => void;
}>;

export type SlotGrant = Readonly<{ ok: true; release: () => void }>;
export type SlotAcquired = SlotGrant | Readonly<{ ok: false; reason: 'cancelled' }>;

export type ExecutionSlots = Readonly<{
  /** Resolves once a slot is held (call `release` exactly when the CLI is done; more calls do nothing). */
  acquire: (input: AcquireInput) => Promise<SlotAcquired>;
  stats: () => Readonly<{ running: number; queued: number }>;
  /** How many slots one agent may hold at once. */
  maxPerAgent: number;
}>;

type Waiter = { agent: string; signal: AbortSignal; grant: (outcome: SlotAcquired) => void; onAbort: () => void };

const CANCELLED: SlotAcquired = Object.freeze({ ok: false, reason: 'cancelled' });

export const createExecutionSlots = (options: Readonly<{ max: number; maxPerAgent?: number }>): ExecutionSlots => {
  const { max } = options;
  const perAgent = options.maxPerAgent ?? defaultMaxPerAgent(max);
  // Config validates these; anything else is a wiring bug, not an outcome to handle.
  if (!Number.isInteger(max) || max < 1) throw new RangeError(`execution slots: max must be a positive integer, got ${max}`);
  if (!Number.isInteger(perAgent) || perAgent < 1 || perAgent > max) throw new RangeError(`execution slots: maxPerAgent must be an integer from 1 to ${max}, got ${perAgent}`);

  let running = 0;
  let queued = 0;
  // Slots held per agent; an agent at its cap waits even when slots are free (they are the other agents').
  const held = new Map<string, number>();
  // Map order is the service order: the agent served goes to the back, so agents take turns one request each.
  const queues = new Map<string, Waiter[]>();

  const grantSlot = (agent: string): SlotGrant => {
    running += 1;
    held.set(agent, (held.get(agent) ?? 0) + 1);
    let released = false;
    return Object.freeze({
      ok: true,
      release: () => {
        if (released) return;
        released = true;
        running -= 1;
        const left = (held.get(agent) ?? 1) - 1;
        if (left === 0) held.delete(agent);
        else held.set(agent, left);
        drain();
      },
    });
  };

  const atCap = (agent: string): boolean => (held.get(agent) ?? 0) >= perAgent;

  /** The first agent in service order that may take a slot now; agents at their cap keep their place. */
  const nextEligible = (): [string, Waiter[]] | undefined => {
    for (const entry of queues) if (!atCap(entry[0])) return entry;
    return undefined;
  };

  // Invariant after every drain: no slot is free while an agent below its cap waits.
  const drain = (): void => {
    while (running < max) {
      const next = nextEligible();
      if (next === undefined) return;
      const [agent, waiters] = next;
      const waiter = waiters.shift() as Waiter;
      queues.delete(agent);
      if (waiters.length > 0) queues.set(agent, waiters);
      queued -= 1;
      waiter.signal.removeEventListener('abort', waiter.onAbort);
      waiter.grant(grantSlot(agent));
    }
  };

  // Rounds of one request per agent in service order: every agent serves min(its length, k) requests in the
  // k rounds before ours, and in our round the agents ahead of ours that still have one.
  const positionOf = (agent: string): number => {
    const k = queues.get(agent)?.length ?? 0;
    let ahead = 0;
    let beforeOurs = true;
    for (const [other, waiters] of queues) {
      if (other === agent) beforeOurs = false;
      ahead += Math.min(waiters.length, k) + (beforeOurs && waiters.length > k ? 1 : 0);
    }
    return ahead;
  };

  const remove = (waiter: Waiter): void => {
    const waiters = queues.get(waiter.agent);
    const at = waiters?.indexOf(waiter) ?? -1;
    if (waiters === undefined || at < 0) return;
    waiters.splice(at, 1);
    queued -= 1;
    if (waiters.length === 0) queues.delete(waiter.agent);
  };

  const acquire = (input: AcquireInput): Promise<SlotAcquired> => {
    // A request cancelled before it got here never takes a slot, even a free one.
    if (input.signal.aborted) return Promise.resolve(CANCELLED);
    // By the drain invariant, a free slot means nobody who could take it waits: no one is passed over.
    if (running < max && !atCap(input.agent)) return Promise.resolve(grantSlot(input.agent));

    // Told before it is queued, so that a throwing callback leaves nothing behind.
    const position = positionOf(input.agent);
    // `agent` only when slots are free for others: with every slot taken the broker's limit is the one to name.
    input.onQueued(Object.freeze(running < max ? { position, limit: 'agent', running: held.get(input.agent) ?? 0, max: perAgent } : { position, limit: 'broker', running, max }));
    // The callback may have aborted it (a failed send closes the connection) or freed a slot.
    if (input.signal.aborted) return Promise.resolve(CANCELLED);
    return new Promise<SlotAcquired>((resolve) => {
      const waiter: Waiter = {
        agent: input.agent,
        signal: input.signal,
        grant: resolve,
        onAbort: () => {
          remove(waiter);
          resolve(CANCELLED);
        },
      };
      const waiters = queues.get(input.agent);
      if (waiters === undefined) queues.set(input.agent, [waiter]);
      else waiters.push(waiter);
      queued += 1;
      input.signal.addEventListener('abort', waiter.onAbort, { once: true });
      drain();
    });
  };

  return Object.freeze({ acquire, stats: () => Object.freeze({ running, queued }), maxPerAgent: perAgent });
};
