import t from 'tap';
import { approveReducer, initialApproveState, type ApproveAction, type ApproveState } from '../../src/tui/approve-state.js';
import { makeRequest } from './approval-fixture.js';

const run = (...actions: ApproveAction[]): ApproveState => actions.reduce(approveReducer, initialApproveState);

const a = makeRequest('apr_a', { expiresInMs: 60_000 });
const b = makeRequest('apr_b', { expiresInMs: 120_000 });
const c = makeRequest('apr_c', { expiresInMs: 180_000 });

t.test('the first snapshot selects the first row', async (t) => {
  const s = run({ type: 'snapshot', requests: [c, a, b] });
  t.same([s.selectedId, s.selectedIndex], ['apr_a', 0]);
  t.equal(run().requests, null, 'no snapshot yet is not an empty list');
});

t.test('the selection follows its id when rows move, and the row when its request leaves', async (t) => {
  let s = run({ type: 'snapshot', requests: [a, b, c] }, { type: 'move', by: 1 });
  t.equal(s.selectedId, 'apr_b');
  const first = makeRequest('apr_0', { expiresInMs: 1_000 });
  s = approveReducer(s, { type: 'snapshot', requests: [first, a, b, c] });
  t.same([s.selectedId, s.selectedIndex], ['apr_b', 2], 'same request, new row');
  s = approveReducer(s, { type: 'snapshot', requests: [first, a, c] });
  t.same([s.selectedId, s.selectedIndex], ['apr_c', 2], 'its neighbour took its row');
  s = approveReducer(s, { type: 'snapshot', requests: [first] });
  t.same([s.selectedId, s.selectedIndex], ['apr_0', 0], 'clamped to the last row');
  s = approveReducer(s, { type: 'snapshot', requests: [] });
  t.same([s.selectedId, s.selectedIndex], [null, 0]);
  t.equal(approveReducer(s, { type: 'prompt-open', kind: 'approve' }).status?.text, 'no request selected');
});

t.test('moves are clamped to the list', async (t) => {
  const s = run({ type: 'snapshot', requests: [a, b, c] });
  t.equal(approveReducer(s, { type: 'move', by: -1 }).selectedId, 'apr_a');
  t.equal(approveReducer(s, { type: 'move', by: Infinity }).selectedId, 'apr_c');
  t.equal(approveReducer(s, { type: 'move', by: 10 }).selectedId, 'apr_c');
});

t.test('the visible list is recomputed on a snapshot or a filter change, not on a move', async (t) => {
  const s = run({ type: 'snapshot', requests: [a, b, c] });
  t.equal(approveReducer(s, { type: 'move', by: 1 }).visible, s.visible, 'same array: nothing re-sorted');
  t.equal(approveReducer(s, { type: 'toggle-detail' }).visible, s.visible);
  t.not(approveReducer(s, { type: 'filter-type', text: 'x' }).visible, s.visible);
});

t.test('typed text stays one line and loses control characters', async (t) => {
  const s = run({ type: 'snapshot', requests: [a] }, { type: 'prompt-open', kind: 'deny' }, { type: 'prompt-type', text: 'no\u001b[2J\r\nway' });
  t.equal(s.prompt?.text, 'no[2J way');
});

t.test('an open prompt closes, saying why, when its request is decided elsewhere', async (t) => {
  const s = run({ type: 'snapshot', requests: [a, b] }, { type: 'prompt-open', kind: 'approve' }, { type: 'snapshot', requests: [{ ...a, state: 'denied' }, b] });
  t.equal(s.prompt, null);
  t.equal(s.status?.text, 'apr_a was denied elsewhere');
  t.equal(s.selectedId, 'apr_b');
});

t.test('a decision clears the prompt and reports its result; a failure keeps the broker message', async (t) => {
  let s = run({ type: 'snapshot', requests: [a] }, { type: 'prompt-open', kind: 'approve' }, { type: 'decision-sent', kind: 'approve', id: 'apr_a' });
  t.same([s.prompt, s.deciding, s.status?.text], [null, 'apr_a', 'approving apr_a…']);
  t.equal(approveReducer(s, { type: 'prompt-open', kind: 'deny' }).prompt, null, 'no second decision while one is in flight');
  s = approveReducer(s, { type: 'decision-done', kind: 'approve', id: 'apr_a', result: { ok: false, message: 'APPROVAL_EXPIRED' } });
  t.same([s.deciding, s.status], [null, { tone: 'error', text: 'approve apr_a refused by the broker: APPROVAL_EXPIRED' }]);
});
