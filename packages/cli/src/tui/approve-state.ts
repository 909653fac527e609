// The approve UI's state and its one reducer: the list, selection, filter, prompt and status line.
// Pure: no clock and no I/O, so every key and every snapshot is a plain transition a test can replay.
import type { ApprovalRequest } from '@aws-guard/shared/approval/approval-request';
import type { DecisionResult } from './approver-client.js';
import { selectVisibleRequests } from './select-visible-requests.js';

export type DecisionKind = 'approve' | 'deny';
/** `what` is the request's service:operation, fixed when the prompt opens, so Enter confirms what was read. */
export type Prompt = Readonly<{ kind: DecisionKind; id: string; what: string; text: string }>;
export type Status = Readonly<{
  tone: 'info' | 'ok' | 'error';
  text: string;
  /** Set on a subscription error, which the next snapshot clears: the list is live again. */
  fromSubscription?: boolean;
}>;

export type ApproveState = Readonly<{
  /** null until the broker's first snapshot, so "nothing pending" and "not connected yet" differ. */
  requests: readonly ApprovalRequest[] | null;
  /**
   * The filtered, sorted list. Kept here rather than derived at render time: it is recomputed only when a
   * snapshot or the filter changes (never on a tick or a cursor move), and the selection is repaired
   * against it in the same transition.
   */
  visible: readonly ApprovalRequest[];
  filter: string;
  filterEditing: boolean;
  selectedId: string | null;
  /** Where the selection was, so it lands on the neighbour when its request disappears. */
  selectedIndex: number;
  detail: boolean;
  help: boolean;
  prompt: Prompt | null;
  status: Status | null;
  /** The request a decision is in flight for; one at a time so results cannot arrive out of order. */
  deciding: string | null;
}>;

export type ApproveAction =
  | { type: 'snapshot'; requests: readonly ApprovalRequest[] }
  | { type: 'broker-error'; message: string }
  | { type: 'move'; by: number }
  | { type: 'toggle-detail' }
  | { type: 'toggle-help' }
  | { type: 'filter-start' }
  | { type: 'filter-type'; text: string }
  | { type: 'filter-erase' }
  | { type: 'filter-done' }
  | { type: 'filter-clear' }
  | { type: 'prompt-open'; kind: DecisionKind }
  | { type: 'prompt-type'; text: string }
  | { type: 'prompt-erase' }
  | { type: 'prompt-cancel' }
  | { type: 'refuse'; message: string }
  | { type: 'decision-sent'; kind: DecisionKind; id: string }
  | { type: 'decision-done'; kind: DecisionKind; id: string; result: DecisionResult };

// Reasons end up in the audit record; the broker enforces its own limit, this only stops a runaway paste.
const MAX_TYPED = 1000;

export const initialApproveState: ApproveState = {
  requests: null,
  visible: [],
  filter: '',
  filterEditing: false,
  selectedId: null,
  selectedIndex: 0,
  detail: false,
  help: false,
  prompt: null,
  status: null,
  deciding: null,
};

/** Keeps the selection on the same request id when it is still listed, else on the row where it was. */
const reselect = (state: ApproveState, visible: readonly ApprovalRequest[]): ApproveState => {
  const index = visible.findIndex((r) => r.id === state.selectedId);
  if (index >= 0) return { ...state, visible, selectedIndex: index };
  if (visible.length === 0) return { ...state, visible, selectedId: null, selectedIndex: 0 };
  const clamped = Math.min(Math.max(state.selectedIndex, 0), visible.length - 1);
  return { ...state, visible, selectedId: visible[clamped]!.id, selectedIndex: clamped };
};

const PAST: Readonly<Record<string, string>> = {
  approved: 'was approved elsewhere',
  denied: 'was denied elsewhere',
  expired: 'expired',
  cancelled: 'was cancelled',
  executed: 'was executed',
};

const goneText = (id: string, requests: readonly ApprovalRequest[]): string => {
  const now = requests.find((r) => r.id === id);
  return `${id} ${(now && PAST[now.state]) ?? 'is no longer pending'}`;
};

/** The detail view or a prompt open on a request that just left the list must not act on a stale view. */
const closeGone = (before: ApproveState, after: ApproveState, requests: readonly ApprovalRequest[]): ApproveState => {
  const focused = before.prompt?.id ?? (before.detail ? before.selectedId : null);
  if (focused === null || after.visible.some((r) => r.id === focused)) return after;
  return { ...after, detail: false, prompt: null, status: { tone: 'info', text: goneText(focused, requests) } };
};

// Typed text is one line: a pasted line break becomes a space, other control characters are dropped.
const clean = (text: string): string => text.replace(/[\r\n]+/g, ' ').replace(/[\u0000-\u001f\u007f-\u009f]/g, '');

const withFilter = (state: ApproveState, filter: string): ApproveState =>
  reselect({ ...state, filter }, selectVisibleRequests(state.requests ?? [], filter));

const openPrompt = (state: ApproveState, kind: DecisionKind): ApproveState => {
  if (state.selectedId === null) return { ...state, status: { tone: 'error', text: 'no request selected' } };
  if (state.deciding !== null) return { ...state, status: { tone: 'error', text: `still waiting for the broker on ${state.deciding}` } };
  const request = state.visible[state.selectedIndex];
  const what = request ? `${request.summary.service}:${request.summary.operation}` : '';
  return { ...state, prompt: { kind, id: state.selectedId, what, text: '' }, status: null };
};

const decisionDone = (state: ApproveState, action: Extract<ApproveAction, { type: 'decision-done' }>): ApproveState => {
  const done = { ...state, deciding: null };
  if (action.result.ok) return { ...done, status: { tone: 'ok', text: `${action.kind === 'approve' ? 'approved' : 'denied'} ${action.id}` } };
  return { ...done, status: { tone: 'error', text: `${action.kind} ${action.id} refused by the broker: ${action.result.message}` } };
};

export const approveReducer = (state: ApproveState, action: ApproveAction): ApproveState => {
  switch (action.type) {
    case 'snapshot': {
      const status = state.status?.fromSubscription ? null : state.status;
      const next = reselect({ ...state, requests: action.requests, status }, selectVisibleRequests(action.requests, state.filter));
      return closeGone(state, next, action.requests);
    }
    case 'broker-error':
      return { ...state, status: { tone: 'error', text: `broker: ${action.message}`, fromSubscription: true } };
    case 'move': {
      if (state.visible.length === 0) return state;
      const index = Math.min(Math.max(state.selectedIndex + action.by, 0), state.visible.length - 1);
      return { ...state, selectedIndex: index, selectedId: state.visible[index]!.id };
    }
    case 'toggle-detail':
      return state.selectedId === null && !state.detail ? state : { ...state, detail: !state.detail };
    case 'toggle-help':
      return { ...state, help: !state.help };
    case 'filter-start':
      return { ...state, filterEditing: true, detail: false };
    case 'filter-type':
      return withFilter(state, (state.filter + clean(action.text)).slice(0, MAX_TYPED));
    case 'filter-erase':
      return withFilter(state, state.filter.slice(0, -1));
    case 'filter-done':
      return { ...state, filterEditing: false };
    case 'filter-clear':
      return { ...withFilter(state, ''), filterEditing: false };
    case 'prompt-open':
      return openPrompt(state, action.kind);
    case 'prompt-type':
      return state.prompt ? { ...state, prompt: { ...state.prompt, text: (state.prompt.text + clean(action.text)).slice(0, MAX_TYPED) } } : state;
    case 'prompt-erase':
      return state.prompt ? { ...state, prompt: { ...state.prompt, text: state.prompt.text.slice(0, -1) } } : state;
    case 'prompt-cancel':
      return { ...state, prompt: null, status: null };
    case 'refuse':
      return { ...state, status: { tone: 'error', text: action.message } };
    case 'decision-sent':
      return {
        ...state,
        prompt: null,
        detail: false,
        deciding: action.id,
        status: { tone: 'info', text: `${action.kind === 'approve' ? 'approving' : 'denying'} ${action.id}…` },
      };
    case 'decision-done':
      return decisionDone(state, action);
  }
};
