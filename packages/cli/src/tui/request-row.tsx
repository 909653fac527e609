// One pending request as a list row: risk, service:operation, agent, human, age, time left, votes.
import type { ApprovalRequest } from '@aws-guard/shared/approval/approval-request';
import { Text } from 'ink';
import { memo } from 'react';
import { escapeTerminalText } from './escape-terminal-text.js';
import { fitColumn } from './fit-column.js';
import { formatDuration, msUntil, timeLeftText } from './format-duration.js';
import type { ColumnWidths } from './request-columns.js';
import { riskColor } from './risk-color.js';

type Props = Readonly<{ request: ApprovalRequest; selected: boolean; now: Date; widths: ColumnWidths }>;

const leftColor = (ms: number): string | undefined => (ms < 60_000 ? 'red' : ms < 5 * 60_000 ? 'yellow' : undefined);

const RequestRowView = ({ request: r, selected, now, widths: w }: Props) => {
  const left = msUntil(r.expiresAt, now);
  const age = -msUntil(r.createdAt, now);
  const operation = escapeTerminalText(`${r.summary.service}:${r.summary.operation}`);
  return (
    <Text inverse={selected} wrap="truncate-end">
      {selected ? '› ' : '  '}
      <Text color={riskColor(r.summary.risk)} bold>
        {fitColumn(escapeTerminalText(r.summary.risk), w.risk)}
      </Text>{' '}
      {fitColumn(operation, w.operation)} {fitColumn(escapeTerminalText(r.requester.agent), w.agent)}{' '}
      {fitColumn(escapeTerminalText(r.requester.human), w.human)} {fitColumn(Number.isNaN(age) ? '?' : formatDuration(age), w.age, 'right')}{' '}
      <Text color={leftColor(left)}>{fitColumn(timeLeftText(left), w.left, 'right')}</Text>{' '}
      {fitColumn(`${r.approvals.length}/${r.requiredApprovers}`, w.votes, 'right')}
    </Text>
  );
};

// Rows off-screen are never rendered and unchanged props skip work, so a snapshot of 200 requests costs
// only the rows in view.
export const RequestRow = memo(RequestRowView);
