// Owns the approve UI's behaviour: its state, the live feed, key presses, and the calls that decide.
// The only place the UI talks to the approver client; components below it only render.
import { useApp, useInput } from 'ink';
import { useCallback, useRef, useState } from 'react';
import { approveReducer, initialApproveState, type ApproveAction, type ApproveState } from './approve-state.js';
import type { ApproverClient, DecisionResult } from './approver-client.js';
import { interpretKey, type KeyOutcome } from './interpret-key.js';
import { splitInput } from './split-input.js';
import { useApprovalFeed } from './use-approval-feed.js';

type Decision = Extract<KeyOutcome, { type: 'decide' }>;

const send = async (client: ApproverClient, decision: Decision): Promise<DecisionResult> => {
  try {
    return decision.kind === 'approve' ? await client.approve(decision.id, decision.reason) : await client.deny(decision.id, decision.reason);
  } catch (error) {
    // A client that throws (connection lost mid-call) is reported on the status line like a refusal: the
    // on-call engineer must see that the decision did not land, and the UI must stay up to retry.
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
};

export const useApproveController = (client: ApproverClient): ApproveState => {
  const { exit } = useApp();
  const stateRef = useRef<ApproveState>(initialApproveState);
  const [state, setState] = useState<ApproveState>(initialApproveState);

  // Ink can deliver several keys before React re-renders; reducing into a ref means each key is read
  // against the state the previous key produced, never a stale render's.
  const dispatch = useCallback((action: ApproveAction) => {
    stateRef.current = approveReducer(stateRef.current, action);
    setState(stateRef.current);
  }, []);

  useApprovalFeed(client, dispatch);

  const decide = useCallback(
    async (decision: Decision) => {
      dispatch({ type: 'decision-sent', kind: decision.kind, id: decision.id });
      const result = await send(client, decision);
      dispatch({ type: 'decision-done', kind: decision.kind, id: decision.id, result });
    },
    [client, dispatch],
  );

  useInput((input, key) => {
    const typing = (): boolean => stateRef.current.prompt !== null || stateRef.current.filterEditing;
    for (const [oneInput, oneKey] of splitInput(input, key, typing)) {
      const outcome = interpretKey(stateRef.current, oneInput, oneKey);
      if (outcome === null) continue;
      if (outcome.type === 'action') dispatch(outcome.action);
      else if (outcome.type === 'decide') void decide(outcome);
      else {
        exit();
        return;
      }
    }
  });

  return state;
};
