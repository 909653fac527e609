// The whole approve screen for one state and one instant: pure, so a test renders any situation directly.
import { Box } from 'ink';
import type { ApproveState } from './approve-state.js';
import { HelpBar } from './help-bar.js';
import { HelpScreen } from './help-screen.js';
import { InputLine } from './input-line.js';
import { columnWidths } from './request-columns.js';
import { RequestDetail } from './request-detail.js';
import { RequestList } from './request-list.js';
import { StatusLine } from './status-line.js';
import { TitleBar } from './title-bar.js';
import type { TerminalSize } from './use-terminal-size.js';

// Lines around the list: title, header, the two "more" markers, input, status and help bar, one spare.
const CHROME_ROWS = 8;

type Props = Readonly<{ state: ApproveState; now: Date; size: TerminalSize }>;

const Body = ({ state, now, size }: Props) => {
  if (state.help) return <HelpScreen />;
  const selected = state.visible[state.selectedIndex];
  if (state.detail && selected !== undefined) return <RequestDetail request={selected} now={now} />;
  const emptyText = state.requests === null ? '' : state.filter === '' ? 'No pending requests.' : 'No pending request matches the filter.';
  return (
    <RequestList
      requests={state.visible}
      selectedIndex={state.selectedIndex}
      now={now}
      maxRows={size.rows - CHROME_ROWS}
      widths={columnWidths(size.columns)}
      emptyText={emptyText}
    />
  );
};

export const ApproveView = (props: Props) => (
  <Box flexDirection="column">
    <TitleBar state={props.state} />
    <Body {...props} />
    <InputLine state={props.state} />
    <StatusLine status={props.state.status} />
    <HelpBar state={props.state} />
  </Box>
);
