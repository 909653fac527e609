// The one suite every ApprovalStore passes (embedded and Redis): lifecycle, joining and reuse, separation of
// duties, N-of-M, expiry and validity on an injected clock, single use, races, notifications, closing.
import type { Test } from 'tap';
import type { ApprovalRequest } from '@aws-guard/shared/approval/approval-request';
import type {
  ApprovalResult, ApprovalStore, ApprovalStoreOptions, Approver,
} from '@aws-guard/broker/approval/approval-store';
import { MINUTE, START, approvalInput, approver, createTestClock, openStore, recordEvents, type TestClock } from './approval-fixtures.js';

export type StoreFactory = (options: ApprovalStoreOptions) => ApprovalStore | Promise<ApprovalStore>;

type Opened = Readonly<{ store: ApprovalStore; clock: TestClock }>;

const value = <T>(t: Test, result: ApprovalResult<T>, what: string): T => {
  if (!result.ok) throw new Error(`${what}: ${result.issue.code} ${result.issue.message}`);
  t.pass(what);
  return result.value;
};

const codeOf = (result: ApprovalResult<unknown>): string => (result.ok ? 'ok' : result.issue.code);

export const approvalStoreSuite = (t: Test, factory: StoreFactory): void => {
  const open = async (t: Test, options: ApprovalStoreOptions = {}): Promise<Opened> => {
    const clock = createTestClock();
    return { store: await openStore(t, () => factory({ clock: clock.now, ...options })), clock };
  };
  const pending = async (t: Test, store: ApprovalStore, overrides: Parameters<typeof approvalInput>[0] = {}) =>
    value(t, await store.request(approvalInput(overrides)), 'request').request;

  t.test('a request goes pending → approved → executed, once', async (t) => {
    const { store, clock } = await open(t);
    const created = value(t, await store.request(approvalInput()), 'request');
    t.equal(created.outcome, 'created');
    const r = created.request;
    t.match(r, { state: 'pending', approvals: [], revision: 1, createdAt: START.toISOString(), requiredApprovers: 1 });
    t.match(r.id, /^apr_/);
    t.equal(r.expiresAt, new Date(START.getTime() + 60 * MINUTE).toISOString(), 'waits one hour by default');
    t.same(value(t, await store.get(r.id), 'get'), r, 'get returns what request stored');
    t.same(value(t, await store.list({ states: ['pending'] }), 'list').map((x) => x.id), [r.id]);

    clock.advance(MINUTE);
    const approved = value(t, await store.approve(r.id, approver('bob'), 'looks right'), 'approve');
    t.match(approved, { state: 'approved', revision: 2, decidedAt: clock.now().toISOString() });
    t.match(approved.approvals, [{ approver: 'bob-tui', human: 'bob', reason: 'looks right', at: clock.now().toISOString() }]);
    t.equal(approved.validUntil, new Date(clock.now().getTime() + 15 * MINUTE).toISOString(), 'valid 15 minutes by default');

    const executed = value(t, await store.consume(r.id), 'consume');
    t.match(executed, { state: 'executed', revision: 3, executedAt: clock.now().toISOString() });
    t.equal(codeOf(await store.consume(r.id)), 'APPROVAL_ALREADY_EXECUTED', 'an approval is single-use');
    t.same(value(t, await store.list({ states: ['pending', 'approved'] }), 'list'), []);
    t.same(value(t, await store.list(), 'list all').map((x) => x.state), ['executed']);
  });

  t.test('unknown ids and invalid input are refused with their codes', async (t) => {
    const { store } = await open(t);
    for (const result of [await store.get('apr_nope'), await store.approve('apr_nope', approver('bob')), await store.consume('apr_nope')])
      t.equal(codeOf(result), 'APPROVAL_NOT_FOUND');
    t.equal(codeOf(await store.request(approvalInput({ commandHash: 'not-a-hash' }))), 'APPROVAL_INVALID_INPUT');
    t.equal(codeOf(await store.request(approvalInput({ requiredApprovers: 0 }))), 'APPROVAL_INVALID_INPUT');
    t.same(value(t, await store.list(), 'list'), [], 'nothing was stored');
  });

  t.test('an identical pending request is joined, a different command is a new request', async (t) => {
    const { store } = await open(t);
    const input = approvalInput();
    const first = value(t, await store.request(input), 'first');
    const again = value(t, await store.request({ ...input, requestId: 'req_rerun' }), 'again');
    t.equal(again.outcome, 'joined');
    t.equal(again.request.id, first.request.id);
    t.equal(again.request.requestId, input.requestId, 'the request keeps the broker request that asked first');
    const other = value(t, await store.request(approvalInput({ argv: input.argv })), 'other hash');
    t.not(other.request.id, first.request.id);
    t.equal(value(t, await store.list(), 'list').length, 2);
  });

  t.test("a command hash is never shared across requesters: another agent's request is not joined", async (t) => {
    const { store } = await open(t);
    const input = approvalInput();
    const r = value(t, await store.request(input), 'request').request;
    value(t, await store.approve(r.id, approver('bob')), 'approve');
    const intruder = await store.request({ ...input, requester: { agent: 'mallory-bot', human: 'mallory', sessionId: 'ses_9' } });
    t.equal(codeOf(intruder), 'APPROVAL_INVALID_INPUT');
    t.equal(value(t, await store.get(r.id), 'get').state, 'approved', 'the approval stays with its requester');
  });

  t.test('an approved request is reused by the identical re-run exactly once', async (t) => {
    const { store } = await open(t);
    const input = approvalInput();
    const r = value(t, await store.request(input), 'request').request;
    value(t, await store.approve(r.id, approver('bob')), 'approve');
    const rerun = value(t, await store.request(input), 'rerun');
    t.match(rerun, { outcome: 'reused', request: { id: r.id, state: 'approved' } });
    value(t, await store.consume(rerun.request.id), 'consume');
    const third = value(t, await store.request(input), 'third run');
    t.equal(third.outcome, 'created', 'after the single use, the same command needs a new approval');
    t.not(third.request.id, r.id);
    t.equal(third.request.state, 'pending');
  });

  t.test('a denied, cancelled or expired request is not joined: the identical command asks again', async (t) => {
    const { store, clock } = await open(t);
    const denied = approvalInput();
    const d = await pending(t, store, denied);
    value(t, await store.deny(d.id, approver('bob'), 'not today'), 'deny');
    t.equal(value(t, await store.request(denied), 'after deny').outcome, 'created');
    const cancelled = approvalInput();
    const c = await pending(t, store, cancelled);
    value(t, await store.cancel(c.id, 'operator:erin', 'wrong ticket'), 'cancel');
    t.equal(value(t, await store.request(cancelled), 'after cancel').outcome, 'created');
    const expiring = approvalInput({ pendingMs: 5 * MINUTE });
    const e = await pending(t, store, expiring);
    clock.advance(5 * MINUTE);
    const fresh = value(t, await store.request(expiring), 'after expiry');
    t.equal(fresh.outcome, 'created');
    t.equal(value(t, await store.get(e.id), 'old one').state, 'expired');
  });

  t.test('separation of duties', async (t) => {
    const { store } = await open(t);
    const r = await pending(t, store, { approverGroup: 'oncall' });
    const refusals: [string, Approver, string][] = [
      ['the requesting agent', approver('carol', { name: 'claude' }), 'APPROVAL_SELF_APPROVAL'],
      ['the human the agent acts for', approver('alice'), 'APPROVAL_SELF_APPROVAL'],
      ["a token named after the agent's human", approver('carol', { name: 'alice' }), 'APPROVAL_SELF_APPROVAL'],
      ['the agent as human of a token', approver('claude', { name: 'ci-bot' }), 'APPROVAL_SELF_APPROVAL'],
      ['the same human spelled differently', approver(' Alice ', { name: 'al' }), 'APPROVAL_SELF_APPROVAL'],
      ['an agent token', approver('bob', { role: 'agent' }), 'APPROVAL_NOT_APPROVER'],
      ['an admin token', approver('bob', { role: 'admin' }), 'APPROVAL_NOT_APPROVER'],
      ['an approver outside the group', approver('bob', { groups: ['dev'] }), 'APPROVAL_WRONG_GROUP'],
      ['an approver without a human', approver('', { name: 'ghost' }), 'APPROVAL_NOT_APPROVER'],
    ];
    for (const [who, person, code] of refusals) t.equal(codeOf(await store.approve(r.id, person)), code, who);
    t.match(value(t, await store.get(r.id), 'get'), { state: 'pending', approvals: [], revision: 1 }, 'refusals change nothing');
    value(t, await store.approve(r.id, approver('bob')), 'a different human in the group approves');
  });

  t.test('N distinct approvers: one human votes once, whatever token it uses', async (t) => {
    const { store } = await open(t);
    const r = await pending(t, store, { requiredApprovers: 2 });
    const one = value(t, await store.approve(r.id, approver('bob')), 'first vote');
    t.match(one, { state: 'pending', approvals: [{ human: 'bob' }] });
    t.notOk(one.validUntil);
    t.equal(codeOf(await store.approve(r.id, approver('bob'))), 'APPROVAL_ALREADY_VOTED');
    t.equal(codeOf(await store.approve(r.id, approver('bob', { name: 'bob-laptop' }))), 'APPROVAL_ALREADY_VOTED', 'same human, other token');
    t.equal(codeOf(await store.approve(r.id, approver('dave', { name: 'bob-tui' }))), 'APPROVAL_ALREADY_VOTED', 'same token name');
    const two = value(t, await store.approve(r.id, approver('carol')), 'second vote');
    t.match(two, { state: 'approved' });
    t.same(two.approvals.map((v) => v.human), ['bob', 'carol']);
    t.equal(codeOf(await store.approve(r.id, approver('dave'))), 'APPROVAL_NOT_PENDING');
  });

  t.test('deny needs a reason, is final, and the requester side may veto but not grant', async (t) => {
    const { store } = await open(t);
    const r = await pending(t, store);
    t.equal(codeOf(await store.deny(r.id, approver('bob'), '')), 'APPROVAL_REASON_REQUIRED');
    t.equal(codeOf(await store.deny(r.id, approver('bob'), '   ')), 'APPROVAL_REASON_REQUIRED');
    t.equal(codeOf(await store.deny(r.id, approver('bob', { role: 'agent' }), 'no')), 'APPROVAL_NOT_APPROVER');
    const denied = value(t, await store.deny(r.id, approver('alice'), ' drops the prod logs '), "the agent's own human vetoes");
    t.match(denied, { state: 'denied', denial: { approver: 'alice-tui', human: 'alice', reason: 'drops the prod logs' } });
    t.equal(codeOf(await store.approve(r.id, approver('bob'))), 'APPROVAL_NOT_PENDING', 'no approve after deny');
    t.equal(codeOf(await store.deny(r.id, approver('bob'), 'again')), 'APPROVAL_NOT_PENDING');
    t.equal(codeOf(await store.consume(r.id)), 'APPROVAL_NOT_APPROVED');
  });

  t.test('cancel withdraws a pending or approved request, with who and why', async (t) => {
    const { store } = await open(t);
    const p = await pending(t, store);
    t.equal(codeOf(await store.cancel(p.id, 'operator:erin', '')), 'APPROVAL_REASON_REQUIRED');
    const cancelled = value(t, await store.cancel(p.id, 'operator:erin', 'duplicate'), 'cancel pending');
    t.match(cancelled, { state: 'cancelled', cancellation: { by: 'operator:erin', reason: 'duplicate' } });
    t.equal(codeOf(await store.cancel(p.id, 'operator:erin', 'again')), 'APPROVAL_NOT_PENDING');
    t.equal(codeOf(await store.consume(p.id)), 'APPROVAL_NOT_APPROVED');
    const a = await pending(t, store);
    value(t, await store.approve(a.id, approver('bob')), 'approve');
    value(t, await store.cancel(a.id, 'operator:erin', 'change freeze'), 'cancel approved');
    t.equal(codeOf(await store.consume(a.id)), 'APPROVAL_NOT_APPROVED', 'a cancelled approval cannot run');
    t.equal(codeOf(await store.consume((await pending(t, store)).id)), 'APPROVAL_NOT_APPROVED', 'nor a pending one');
  });

  t.test('a pending request expires at expiresAt, seen on read', async (t) => {
    const { store, clock } = await open(t);
    const r = await pending(t, store, { pendingMs: 10 * MINUTE });
    clock.advance(10 * MINUTE - 1);
    t.equal(value(t, await store.get(r.id), 'just before').state, 'pending');
    clock.advance(1);
    const expired = value(t, await store.get(r.id), 'at expiresAt');
    t.match(expired, { state: 'expired', decidedAt: r.expiresAt, revision: 2 });
    t.equal(codeOf(await store.approve(r.id, approver('bob'))), 'APPROVAL_EXPIRED');
    t.equal(codeOf(await store.deny(r.id, approver('bob'), 'late')), 'APPROVAL_EXPIRED');
    t.equal(codeOf(await store.consume(r.id)), 'APPROVAL_EXPIRED');
    t.same(value(t, await store.list({ states: ['pending'] }), 'list'), []);
  });

  t.test('an approval is valid for the request’s validity, else the store default', async (t) => {
    const { store, clock } = await open(t, { defaultValidityMs: 2 * MINUTE });
    const byDefault = await pending(t, store);
    const byRule = await pending(t, store, { validityMs: 30 * MINUTE });
    for (const r of [byDefault, byRule]) value(t, await store.approve(r.id, approver('bob')), 'approve');
    clock.advance(2 * MINUTE);
    t.equal(codeOf(await store.consume(byDefault.id)), 'APPROVAL_EXPIRED', 'past the default validity');
    t.equal(value(t, await store.get(byDefault.id), 'get').state, 'expired');
    clock.advance(28 * MINUTE - 1);
    value(t, await store.consume(byRule.id), 'within the rule’s validity');
  });

  t.test('sweep expires what is due at the time it is given and counts it', async (t) => {
    const { store, clock } = await open(t);
    const short = await pending(t, store, { pendingMs: MINUTE });
    const long = await pending(t, store, { pendingMs: 60 * MINUTE });
    const approved = await pending(t, store, { validityMs: 3 * MINUTE });
    value(t, await store.approve(approved.id, approver('bob')), 'approve');
    t.equal(value(t, await store.sweep(new Date(clock.now().getTime() + 5 * MINUTE)), 'sweep'), 2);
    t.equal(value(t, await store.sweep(new Date(clock.now().getTime() + 5 * MINUTE)), 'sweep again'), 0, 'idempotent');
    const states = Object.fromEntries(value(t, await store.list(), 'list').map((r) => [r.id, r.state]));
    t.same(states, { [short.id]: 'expired', [long.id]: 'pending', [approved.id]: 'expired' });
  });

  t.test('20 parallel approve and deny calls on one request: exactly one decides it', async (t) => {
    const { store } = await open(t);
    const r = await pending(t, store);
    const calls = Array.from({ length: 20 }, (_, i) =>
      i % 2 === 0 ? store.approve(r.id, approver(`a${i}`)) : store.deny(r.id, approver(`d${i}`), `no ${i}`));
    const results = await Promise.all(calls);
    const winners = results.filter((x) => x.ok);
    t.equal(winners.length, 1, 'one winner');
    t.same(new Set(results.filter((x) => !x.ok).map(codeOf)), new Set(['APPROVAL_NOT_PENDING']), 'everyone else sees it decided');
    const final = value(t, await store.get(r.id), 'get');
    t.equal(final.revision, 2, 'written once');
    t.same(final, (winners[0] as { value: ApprovalRequest }).value);
    t.ok(final.state === 'approved' ? final.denial === undefined && final.approvals.length === 1 : final.approvals.length === 0);
  });

  t.test('two approvers racing on a 2-of-2 request approve it once, with both votes', async (t) => {
    const { store } = await open(t);
    for (let round = 0; round < 10; round++) {
      const r = await pending(t, store, { requiredApprovers: 2 });
      const results = await Promise.all([store.approve(r.id, approver('bob')), store.approve(r.id, approver('carol'))]);
      const states = results.map((x) => value(t, x, 'vote').state).sort();
      t.same(states, ['approved', 'pending'], 'one vote completes it');
      t.same(value(t, await store.get(r.id), 'get').approvals.map((v) => v.human).sort(), ['bob', 'carol']);
    }
    const crowd = await pending(t, store, { requiredApprovers: 2 });
    const results = await Promise.all(['b', 'c', 'd', 'e', 'f'].map((h) => store.approve(crowd.id, approver(h))));
    t.equal(results.filter((x) => x.ok).length, 2, 'five approvers for two seats: two votes land');
    t.equal(value(t, await store.get(crowd.id), 'get').approvals.length, 2);
    const same = await pending(t, store, { requiredApprovers: 2 });
    const twice = await Promise.all([store.approve(same.id, approver('bob')), store.approve(same.id, approver('bob', { name: 'bob-cli' }))]);
    t.same(twice.map(codeOf).sort(), ['APPROVAL_ALREADY_VOTED', 'ok'], 'one human racing itself votes once');
  });

  t.test('parallel consume: exactly one execution', async (t) => {
    const { store } = await open(t);
    const r = await pending(t, store);
    value(t, await store.approve(r.id, approver('bob')), 'approve');
    const results = await Promise.all(Array.from({ length: 20 }, () => store.consume(r.id)));
    t.equal(results.filter((x) => x.ok).length, 1);
    t.equal(results.filter((x) => codeOf(x) === 'APPROVAL_ALREADY_EXECUTED').length, 19);
  });

  t.test('parallel identical requests make one request that all of them join', async (t) => {
    const { store } = await open(t);
    const input = approvalInput();
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => store.request({ ...input, requestId: `req_${i}` })));
    const outcomes = results.map((x) => value(t, x, 'request'));
    t.equal(new Set(outcomes.map((o) => o.request.id)).size, 1, 'one id');
    t.equal(outcomes.filter((o) => o.outcome === 'created').length, 1, 'created once');
    t.equal(value(t, await store.list(), 'list').length, 1);
  });

  t.test('subscribers see every transition in order, until they unsubscribe', async (t) => {
    const { store, clock } = await open(t);
    const events = recordEvents(store);
    const r = await pending(t, store, { requiredApprovers: 2, pendingMs: 10 * MINUTE });
    await events.next('created', (e) => e.type === 'created' && e.request.id === r.id);
    value(t, await store.approve(r.id, approver('bob')), 'vote');
    value(t, await store.approve(r.id, approver('carol')), 'vote');
    value(t, await store.consume(r.id), 'consume');
    await events.next('executed', (e) => e.request.id === r.id && e.request.state === 'executed');
    t.same(events.seen.filter((e) => e.request.id === r.id).map((e) => [e.type, e.request.state, e.request.revision]), [
      ['created', 'pending', 1], ['updated', 'pending', 2], ['updated', 'approved', 3], ['updated', 'executed', 4],
    ]);
    const other = await pending(t, store, { pendingMs: MINUTE });
    events.stop();
    const still = recordEvents(store);
    clock.advance(MINUTE);
    value(t, await store.sweep(), 'sweep');
    await still.next('expiry', (e) => e.request.id === other.id && e.request.state === 'expired');
    t.notOk(events.seen.some((e) => e.request.id === other.id && e.request.state === 'expired'), 'unsubscribed: not told');
    still.stop();
  });

  t.test('a closed store reports unavailable and refuses every operation as a value', async (t) => {
    const { store } = await open(t);
    const r = await pending(t, store);
    t.same(await store.health(), { ok: true });
    await store.close();
    t.match(await store.health(), { ok: false, reason: /closed/ });
    const results = [
      await store.request(approvalInput()), await store.get(r.id), await store.list(), await store.approve(r.id, approver('bob')),
      await store.deny(r.id, approver('bob'), 'x'), await store.cancel(r.id, 'x', 'y'), await store.consume(r.id), await store.sweep(),
    ];
    t.same(results.map(codeOf), Array(results.length).fill('STORE_UNAVAILABLE'));
  });
};
