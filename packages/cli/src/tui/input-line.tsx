// The line being typed: an approve/deny reason, or the filter (also shown, dimmed, while it applies).
import { Text } from 'ink';
import type { ApproveState } from './approve-state.js';
import { escapeTerminalText } from './escape-terminal-text.js';

const CURSOR = '▌';

export const InputLine = ({ state }: Readonly<{ state: ApproveState }>) => {
  const { prompt, filter, filterEditing } = state;
  if (prompt) {
    const target = `${prompt.id} (${prompt.what})`;
    const label = prompt.kind === 'approve' ? `Approve ${target} — reason (optional): ` : `Deny ${target} — reason (required): `;
    return (
      <Text wrap="truncate-start">
        <Text bold color={prompt.kind === 'approve' ? 'green' : 'red'}>
          {escapeTerminalText(label)}
        </Text>
        {escapeTerminalText(prompt.text)}
        {CURSOR}
      </Text>
    );
  }
  if (filterEditing) return <Text wrap="truncate-start">{`/${escapeTerminalText(filter)}${CURSOR}`}</Text>;
  if (filter !== '') return <Text dimColor wrap="truncate-end">{`filter: ${escapeTerminalText(filter)}  (Esc clears)`}</Text>;
  return null;
};
