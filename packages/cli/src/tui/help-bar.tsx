// The one-line reminder of the keys that work right now.
import { Text } from 'ink';
import type { ApproveState } from './approve-state.js';

const helpBarText = (state: ApproveState): string => {
  if (state.prompt) return 'Enter confirm · Esc cancel';
  if (state.filterEditing) return 'type to filter · ↑/↓ move · Enter keep filter · Esc clear';
  if (state.help) return '? or Esc close help · q quit';
  if (state.detail) return 'Enter/Esc back · ↑/↓ j/k next request · a approve · d deny · q quit · ? help';
  return '↑/↓ j/k move · Enter details · a approve · d deny · / filter · q quit · ? help';
};

export const HelpBar = ({ state }: Readonly<{ state: ApproveState }>) => (
  <Text dimColor wrap="truncate-end">
    {helpBarText(state)}
  </Text>
);
