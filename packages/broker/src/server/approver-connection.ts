// One approver WebSocket: hello, then snapshots of the pending requests (now and after every change) and
// decisions. Separation of duties is the store's job; this file only maps the token to an Approver.
import type { WebSocket, RawData } from 'ws';
import { decodeApproverClientFrame } from '@aws-guard/shared/protocol/approver-codec';
import { encodeMessage } from '@aws-guard/shared/protocol/codec';
import { CLOSE_CODES } from '@aws-guard/shared/protocol/limits';
import type { ApproverServerMessage } from '@aws-guard/shared/protocol/approver-messages';
import { negotiateVersion, PROTOCOL_VERSION } from '@aws-guard/shared/protocol/version';
import type { ApprovalRequest } from '@aws-guard/shared/approval/approval-request';
import type { Identity } from '../auth/identity.js';
import type { ApprovalStore } from '../approval/approval-store.js';

export type ApproverDeps = Readonly<{
  store: ApprovalStore;
  brokerVersion: string;
  /** Audits a decision once the store accepted it. */
  onDecided: (request: ApprovalRequest, decision: 'approve' | 'deny', identity: Identity, reason: string | undefined) => Promise<void>;
}>;

const toBuffer = (data: RawData): Buffer => (Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data));

export const handleApproverConnection = (ws: WebSocket, identity: Identity, deps: ApproverDeps): void => {
  let helloDone = false;
  let unsubscribe: (() => void) | undefined;
  const send = (message: ApproverServerMessage) => ws.readyState === ws.OPEN && ws.send(encodeMessage(message));
  const refuse = (code: string, message: string, close: number) => {
    send({ type: 'error', code, message });
    ws.close(close, code);
  };
  const snapshot = async () => {
    const pending = await deps.store.list({ states: ['pending'] });
    if (pending.ok) send({ type: 'approvals.snapshot', requests: pending.value.map((r) => ({ ...r })) as never });
    else send({ type: 'error', code: pending.issue.code, message: pending.issue.message });
  };
  const approver = { name: identity.agent, human: identity.human, groups: identity.groups, role: identity.role };

  ws.on('message', (data, isBinary) => {
    const decoded = decodeApproverClientFrame(toBuffer(data), isBinary);
    if (!decoded.ok || decoded.value.kind !== 'message') return refuse(decoded.ok ? 'FRAME_MALFORMED' : decoded.issue.code, decoded.ok ? 'no data frames on the approver channel' : decoded.issue.message, CLOSE_CODES.protocolError);
    const message = decoded.value.message;
    if (message.type === 'hello') {
      const version = negotiateVersion(message.protocol.min, message.protocol.max);
      if (version === null) return refuse('PROTOCOL_UNSUPPORTED', `this broker speaks protocol ${PROTOCOL_VERSION}`, CLOSE_CODES.unsupportedVersion);
      helloDone = true;
      return send({ type: 'hello', protocol: version, broker: { version: deps.brokerVersion } });
    }
    if (!helloDone) return refuse('PROTOCOL_UNEXPECTED', 'hello first', CLOSE_CODES.protocolError);
    if (message.type === 'approvals.subscribe') {
      unsubscribe ??= deps.store.subscribe(() => void snapshot());
      return void snapshot();
    }
    const { ref, id, decision, reason } = message;
    const decided = decision === 'approve' ? deps.store.approve(id, approver, reason) : deps.store.deny(id, approver, reason ?? '');
    void decided.then(async (result) => {
      if (!result.ok) return send({ type: 'approval.result', ref, ok: false, code: result.issue.code, message: result.issue.message });
      await deps.onDecided(result.value, decision, identity, reason);
      send({ type: 'approval.result', ref, ok: true });
    });
  });
  ws.on('close', () => unsubscribe?.());
  ws.on('error', () => undefined);
};
