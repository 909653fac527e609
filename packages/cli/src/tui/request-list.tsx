// The live list: a header, the rows that fit around the cursor, and how many are above and below.
import type { ApprovalRequest } from '@aws-guard/shared/approval/approval-request';
import { Box, Text } from 'ink';
import { fitColumn } from './fit-column.js';
import { listWindow } from './list-window.js';
import type { ColumnWidths } from './request-columns.js';
import { RequestRow } from './request-row.js';

type Props = Readonly<{
  requests: readonly ApprovalRequest[];
  selectedIndex: number;
  now: Date;
  maxRows: number;
  widths: ColumnWidths;
  emptyText: string;
}>;

const Header = ({ widths: w }: { widths: ColumnWidths }) => (
  <Text dimColor wrap="truncate-end">
    {'  '}
    {fitColumn('RISK', w.risk)} {fitColumn('SERVICE:OPERATION', w.operation)} {fitColumn('AGENT', w.agent)} {fitColumn('HUMAN', w.human)}{' '}
    {fitColumn('AGE', w.age, 'right')} {fitColumn('LEFT', w.left, 'right')} {fitColumn('VOTES', w.votes, 'right')}
  </Text>
);

export const RequestList = ({ requests, selectedIndex, now, maxRows, widths, emptyText }: Props) => {
  if (requests.length === 0) return <Text dimColor>{emptyText}</Text>;
  const { start, end } = listWindow(requests.length, selectedIndex, maxRows);
  return (
    <Box flexDirection="column">
      <Header widths={widths} />
      {start > 0 && <Text dimColor>{`  ↑ ${start} more`}</Text>}
      {requests.slice(start, end).map((r, i) => (
        <RequestRow key={r.id} request={r} selected={start + i === selectedIndex} now={now} widths={widths} />
      ))}
      {end < requests.length && <Text dimColor>{`  ↓ ${requests.length - end} more`}</Text>}
    </Box>
  );
};
