// Maps one key press to what it means in the current state: a state transition, a decision to send, or quit.
// Pure, so the key map is tested without a terminal; the hook that owns I/O carries out the outcome.
import type { Key } from 'ink';
import type { ApproveAction, ApproveState } from './approve-state.js';

export type KeyOutcome =
  | Readonly<{ type: 'action'; action: ApproveAction }>
  | Readonly<{ type: 'decide'; kind: 'approve'; id: string; reason: string | undefined }>
  | Readonly<{ type: 'decide'; kind: 'deny'; id: string; reason: string }>
  | Readonly<{ type: 'quit' }>
  | null;

export type KeyFlags = Partial<Key>;

const PAGE = 10;

const act = (action: ApproveAction): KeyOutcome => ({ type: 'action', action });

const erases = (key: KeyFlags): boolean => Boolean(key.backspace || key.delete);

// A plain character (or a paste) rather than a named key: those arrive with an empty or control input.
const typed = (input: string, key: KeyFlags): boolean => input.length > 0 && !key.ctrl && !key.meta && !key.escape && !key.return && !key.tab;

const promptKey = (state: ApproveState, input: string, key: KeyFlags): KeyOutcome => {
  const prompt = state.prompt!;
  if (key.escape) return act({ type: 'prompt-cancel' });
  if (key.return) {
    const reason = prompt.text.trim();
    if (prompt.kind === 'approve') return { type: 'decide', kind: 'approve', id: prompt.id, reason: reason === '' ? undefined : reason };
    if (reason === '') return act({ type: 'refuse', message: 'a reason is required to deny: type one, or Esc to cancel' });
    return { type: 'decide', kind: 'deny', id: prompt.id, reason };
  }
  if (erases(key)) return act({ type: 'prompt-erase' });
  return typed(input, key) ? act({ type: 'prompt-type', text: input }) : null;
};

const filterKey = (input: string, key: KeyFlags): KeyOutcome => {
  if (key.escape) return act({ type: 'filter-clear' });
  if (key.return) return act({ type: 'filter-done' });
  if (erases(key)) return act({ type: 'filter-erase' });
  // Arrows still move while typing, so one can filter and pick without leaving the filter.
  if (key.upArrow) return act({ type: 'move', by: -1 });
  if (key.downArrow) return act({ type: 'move', by: 1 });
  return typed(input, key) ? act({ type: 'filter-type', text: input }) : null;
};

const moveKey = (input: string, key: KeyFlags): KeyOutcome => {
  if (key.upArrow || input === 'k') return act({ type: 'move', by: -1 });
  if (key.downArrow || input === 'j') return act({ type: 'move', by: 1 });
  if (key.pageUp) return act({ type: 'move', by: -PAGE });
  if (key.pageDown) return act({ type: 'move', by: PAGE });
  if (key.home || input === 'g') return act({ type: 'move', by: -Infinity });
  if (key.end || input === 'G') return act({ type: 'move', by: Infinity });
  return null;
};

export const interpretKey = (state: ApproveState, input: string, key: KeyFlags): KeyOutcome => {
  if (key.ctrl && input === 'c') return { type: 'quit' };
  if (state.prompt) return promptKey(state, input, key);
  if (state.filterEditing) return filterKey(input, key);
  if (state.help) {
    if (input === 'q') return { type: 'quit' };
    return input === '?' || key.escape ? act({ type: 'toggle-help' }) : null;
  }
  const move = moveKey(input, key);
  if (move) return move;
  if (key.return) return act({ type: 'toggle-detail' });
  if (key.escape) {
    if (state.detail) return act({ type: 'toggle-detail' });
    return state.filter === '' ? null : act({ type: 'filter-clear' });
  }
  switch (input) {
    case 'a':
      return act({ type: 'prompt-open', kind: 'approve' });
    case 'd':
      return act({ type: 'prompt-open', kind: 'deny' });
    case '/':
      return act({ type: 'filter-start' });
    case '?':
      return act({ type: 'toggle-help' });
    case 'q':
      return { type: 'quit' };
    default:
      return null;
  }
};
