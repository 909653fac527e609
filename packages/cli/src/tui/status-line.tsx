// The result of the last action or the last broker error, one line, coloured by tone.
import { Text } from 'ink';
import type { Status } from './approve-state.js';
import { escapeTerminalText } from './escape-terminal-text.js';

const TONE = { ok: { color: 'green', mark: '✓' }, error: { color: 'red', mark: '✗' }, info: { color: 'cyan', mark: '·' } } as const;

export const StatusLine = ({ status }: Readonly<{ status: Status | null }>) => {
  if (status === null) return <Text> </Text>;
  const tone = TONE[status.tone];
  // Broker messages can quote agent input (an id, a reason), so they are escaped like everything else.
  return (
    <Text color={tone.color} wrap="truncate-end">
      {`${tone.mark} ${escapeTerminalText(status.text)}`}
    </Text>
  );
};
