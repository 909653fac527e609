// The full key and column reference behind `?`; docs/approve-tui.md says the same at more length.
import { Box, Text } from 'ink';

const KEYS: readonly (readonly [string, string])[] = [
  ['↑ ↓  k j', 'move the selection (PgUp/PgDn by 10, g/G or Home/End to the ends)'],
  ['Enter', 'open or close the details of the selected request'],
  ['a', 'approve the selected request; a reason is optional'],
  ['d', 'deny the selected request; a reason is required'],
  ['/', 'filter: service, operation, agent, human, argv, risk or id (all words must match)'],
  ['Esc', 'cancel a prompt, close details, or clear the filter'],
  ['?', 'this help'],
  ['q  Ctrl+C', 'quit'],
];

const COLUMNS: readonly (readonly [string, string])[] = [
  ['RISK', 'the parser’s risk class, coloured'],
  ['AGE', 'time since the agent asked'],
  ['LEFT', 'time until the request expires; the list is sorted by it, soonest first'],
  ['VOTES', 'approvals so far / approvals required'],
];

const Table = ({ rows }: Readonly<{ rows: readonly (readonly [string, string])[] }>) => (
  <Box flexDirection="column" marginLeft={2}>
    {rows.map(([name, text]) => (
      <Box key={name}>
        <Box width={12} flexShrink={0}>
          <Text bold>{name}</Text>
        </Box>
        <Text>{text}</Text>
      </Box>
    ))}
  </Box>
);

export const HelpScreen = () => (
  <Box flexDirection="column">
    <Text bold>Keys</Text>
    <Table rows={KEYS} />
    <Text bold>Columns</Text>
    <Table rows={COLUMNS} />
    <Text dimColor>The list updates live: new requests appear, decided or expired ones leave, the selection stays put.</Text>
  </Box>
);
