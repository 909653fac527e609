// The top line: what this screen is, how many requests are pending, and how many the filter shows.
import { Text } from 'ink';
import type { ApproveState } from './approve-state.js';

const titleText = (state: ApproveState): string => {
  if (state.requests === null) return 'waiting for the broker’s list of pending requests…';
  const pending = state.requests.filter((r) => r.state === 'pending').length;
  const shown = state.filter === '' ? '' : ` · ${state.visible.length} match the filter`;
  return `${pending} pending${shown}`;
};

export const TitleBar = ({ state }: Readonly<{ state: ApproveState }>) => (
  <Text wrap="truncate-end">
    <Text bold>aws-guard approve</Text>
    {` · ${titleText(state)}`}
  </Text>
);
