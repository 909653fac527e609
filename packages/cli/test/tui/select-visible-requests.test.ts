import t from 'tap';
import { selectVisibleRequests } from '../../src/tui/select-visible-requests.js';
import { makeRequest } from './approval-fixture.js';

const ids = (list: readonly { id: string }[]): string[] => list.map((r) => r.id);

const REQUESTS = [
  makeRequest('apr_c', { expiresInMs: 300_000, argv: ['lambda', 'delete-function', '--function-name', 'Billing-Export'], summary: { service: 'lambda', operation: 'delete-function' } }),
  makeRequest('apr_a', { expiresInMs: 60_000, requester: { agent: 'agent-red', human: 'Alice' } }),
  makeRequest('apr_b', { expiresInMs: 60_000, ageMs: 120_000, summary: { risk: 'privilege' } }),
  makeRequest('apr_gone', { expiresInMs: 1_000, state: 'approved' }),
  makeRequest('apr_bad', { expiresAt: 'not a time' }),
];

t.test('only pending requests, soonest expiry first, then oldest, then id; bad times last', async (t) => {
  t.same(ids(selectVisibleRequests(REQUESTS, '')), ['apr_b', 'apr_a', 'apr_c', 'apr_bad']);
});

t.test('the filter matches any field case-insensitively and needs every word', async (t) => {
  const cases: readonly (readonly [string, readonly string[]])[] = [
    ['lambda', ['apr_c']],
    ['delete-function', ['apr_c']],
    ['lambda:delete-function', ['apr_c']],
    ['billing-export', ['apr_c']],
    ['ALICE', ['apr_b', 'apr_a', 'apr_c', 'apr_bad']],
    ['agent-red', ['apr_a']],
    ['privilege', ['apr_b']],
    ['apr_c', ['apr_c']],
    ['s3api logs-prod', ['apr_b', 'apr_a', 'apr_bad']],
    ['s3api lambda', []],
    ['   ', ['apr_b', 'apr_a', 'apr_c', 'apr_bad']],
  ];
  for (const [filter, expected] of cases) t.same(ids(selectVisibleRequests(REQUESTS, filter)), expected, `filter "${filter}"`);
});
