// The `aws-guard approve` app: wires the controller, the clock and the terminal size to the pure view.
import { ApproveView } from './approve-view.js';
import type { ApproverClient } from './approver-client.js';
import { useApproveController } from './use-approve-controller.js';
import { useNow, type Clock } from './use-clock.js';
import { useTerminalSize } from './use-terminal-size.js';

export type ApproveAppProps = Readonly<{ client: ApproverClient; clock: Clock }>;

export const ApproveApp = ({ client, clock }: ApproveAppProps) => {
  const state = useApproveController(client);
  const now = useNow(clock);
  const size = useTerminalSize();
  return <ApproveView state={state} now={now} size={size} />;
};
