// An ApprovalStore over any compare-and-set backend: read the request, apply one pure transition, write it only
// if nobody wrote in between, else read again. Races resolve to exactly one winner; losers see the new state.
import { randomBytes } from 'node:crypto';
import { fail, ok } from '@aws-guard/shared/result';
import type { ApprovalBackend } from './approval-backend.js';
import { StoreUnavailableError } from './approval-backend.js';
import { parseApprovalInput, type StoredRequest } from './approval-schema.js';
import {
  DEFAULT_PENDING_MS, DEFAULT_VALIDITY_MS, type ApprovalResult, type ApprovalStore, type ApprovalStoreOptions, type RequestOutcome,
} from './approval-store.js';
import * as transitions from './approval-transitions.js';
import type { Transition } from './approval-transitions.js';

// Each failed attempt means another call's write landed, so N racing calls need at most N attempts; this bound
// only stops a livelock from spinning forever.
const MAX_ATTEMPTS = 100;

type Change = (settled: StoredRequest, now: Date) => Transition;
type Step = Readonly<{ outcome: ApprovalResult<StoredRequest>; wrote: boolean }>;

const newId = (): string => `apr_${randomBytes(12).toString('base64url')}`;

const conflict = (what: string) =>
  fail('APPROVAL_CONFLICT', `${what} kept changing while being decided; nothing was written, try again`);

export const createCasApprovalStore = (backend: ApprovalBackend, options: ApprovalStoreOptions): ApprovalStore => {
  const clock = options.clock ?? (() => new Date());
  const defaults = {
    validityMs: options.defaultValidityMs ?? DEFAULT_VALIDITY_MS,
    pendingMs: options.defaultPendingMs ?? DEFAULT_PENDING_MS,
  };
  let closed = false;

  // A backend that cannot answer becomes a value, so that callers fail closed without a try/catch of their own.
  // Any other error is a bug and propagates.
  async function guarded<T>(work: () => Promise<ApprovalResult<T>>): Promise<ApprovalResult<T>> {
    if (closed) return fail('STORE_UNAVAILABLE', 'the approval store is closed');
    try {
      return await work();
    } catch (e) {
      if (e instanceof StoreUnavailableError) return fail('STORE_UNAVAILABLE', e.message);
      throw e;
    }
  }

  /** One read-transition-write round; expiry due by `now` is written even when the change itself is refused. */
  async function step(id: string, change: Change, now: Date): Promise<Step | null> {
    const current = await backend.read(id);
    if (current === null) return { outcome: fail('APPROVAL_NOT_FOUND', `no approval request ${id}`), wrote: false };
    const settled = transitions.settleExpiry(current, now);
    const outcome = change(settled, now);
    const next = outcome.ok ? outcome.value : settled;
    if (next === current) return { outcome, wrote: false };
    const written: StoredRequest = { ...next, revision: current.revision + 1 };
    if (!(await backend.update(written, current.revision, now))) return null;
    return { outcome: outcome.ok ? ok(written) : outcome, wrote: true };
  }

  async function mutate(id: string, change: Change, at: () => Date = clock): Promise<Step> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const done = await step(id, change, at());
      if (done !== null) return done;
    }
    return { outcome: conflict(`approval request ${id}`), wrote: false };
  }

  const decide = (id: string, change: Change) => guarded(async () => (await mutate(id, change)).outcome);
  const unchanged: Change = (settled) => ok(settled);

  return {
    request: (input) =>
      guarded<RequestOutcome>(async () => {
        const parsed = parseApprovalInput(input);
        if (!parsed.ok) return parsed;
        for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
          const now = clock();
          const { holder, request: existing } = await backend.readByHash(parsed.value.commandHash);
          if (existing !== null) {
            const settled = transitions.settleExpiry(existing, now);
            if (settled !== existing) {
              // Record the expiry (listeners see it), then look again: a new request takes the hash.
              await backend.update({ ...settled, revision: existing.revision + 1 }, existing.revision, now);
              continue;
            }
            const { agent, human } = parsed.value.requester;
            // The hash covers the identity, so this only happens when a caller hashed without it: never hand one
            // requester's approval to another.
            if (existing.requester.agent !== agent || existing.requester.human !== human)
              return fail('APPROVAL_INVALID_INPUT', 'this command hash belongs to a request of another requester');
            if (existing.state === 'pending') return ok({ request: existing, outcome: 'joined' });
            if (existing.state === 'approved') return ok({ request: existing, outcome: 'reused' });
          }
          const fresh = transitions.newRequest(parsed.value, newId(), now, defaults);
          if (await backend.create(fresh, holder, now)) return ok({ request: fresh, outcome: 'created' });
        }
        return conflict(`the request for command ${parsed.value.commandHash}`);
      }),

    get: (id) => decide(id, unchanged),

    list: (filter) =>
      guarded(async () => {
        const found: StoredRequest[] = [];
        for (const stored of await backend.readAll()) {
          const now = clock();
          let request = stored;
          if (transitions.settleExpiry(stored, now) !== stored) {
            const settled = (await mutate(stored.id, unchanged)).outcome;
            if (!settled.ok && settled.issue.code === 'APPROVAL_NOT_FOUND') continue; // dropped by retention meanwhile
            if (!settled.ok) return settled;
            request = settled.value;
          }
          if (filter?.states === undefined || filter.states.includes(request.state)) found.push(request);
        }
        found.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
        return ok(found);
      }),

    approve: (id, approver, reason) => decide(id, (r, now) => transitions.approve(r, approver, reason, now)),
    deny: (id, approver, reason) => decide(id, (r, now) => transitions.deny(r, approver, reason, now)),
    cancel: (id, by, reason) => decide(id, (r, now) => transitions.cancel(r, by, reason, now)),
    consume: (id) => decide(id, (r, now) => transitions.consume(r, now)),

    sweep: (now) =>
      guarded(async () => {
        const at = now ?? clock();
        let expired = 0;
        for (const stored of await backend.readAll()) {
          if (transitions.settleExpiry(stored, at) === stored) continue;
          const done = await mutate(stored.id, unchanged, () => at);
          if (done.wrote) expired++;
        }
        return ok(expired);
      }),

    subscribe: (listener) => backend.subscribe(listener),

    health: async () => (closed ? { ok: false, reason: 'the approval store is closed' } : backend.health()),

    close: async () => {
      if (closed) return;
      closed = true;
      await backend.close();
    },
  };
};
