// Subscribes to the broker's live list for as long as the UI is mounted and turns what arrives into actions.
import { useEffect } from 'react';
import type { ApproveAction } from './approve-state.js';
import type { ApproverClient } from './approver-client.js';

export const useApprovalFeed = (client: ApproverClient, dispatch: (action: ApproveAction) => void): void => {
  useEffect(
    () =>
      client.subscribe(
        (requests) => dispatch({ type: 'snapshot', requests }),
        (message) => dispatch({ type: 'broker-error', message }),
      ),
    [client, dispatch],
  );
};
