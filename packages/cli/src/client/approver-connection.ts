// The approver side of `/v1/approver`: connect with an approver token, say hello, then subscribe to
// snapshots and send decisions. Implements the ApproverClient the terminal UI and the plain commands use.
import WebSocket from 'ws';
import { randomUUID } from 'node:crypto';
import { fail, ok, type Result } from '@aws-guard/shared/result';
import type { ApprovalRequest } from '@aws-guard/shared/approval/approval-request';
import { decodeApproverServerFrame } from '@aws-guard/shared/protocol/approver-codec';
import { encodeMessage } from '@aws-guard/shared/protocol/codec';
import type { ApproverClientMessage, ApproverServerMessage } from '@aws-guard/shared/protocol/approver-messages';
import { APPROVER_PATH } from '@aws-guard/shared/protocol/endpoints';
import { MIN_PROTOCOL_VERSION, PROTOCOL_VERSION } from '@aws-guard/shared/protocol/version';
import type { ApproverClient, DecisionResult } from '../tui/approver-client.js';
import { channelUrl, describeRejection } from './broker-url.js';

export type ApproverConnection = ApproverClient & Readonly<{ close: () => void }>;

/** ws(s):// or http(s):// broker URL → the approver channel URL. */
export const approverUrl = (raw: string): Result<string, 'BROKER_URL'> => channelUrl(raw, APPROVER_PATH, 'the broker URL', false);

export const connectApprover = (opts: { url: string; token: string; clientVersion: string }): Promise<Result<ApproverConnection, 'APPROVER_UNREACHABLE'>> =>
  new Promise((resolve) => {
    const ws = new WebSocket(opts.url, { headers: { authorization: `Bearer ${opts.token}` }, perMessageDeflate: false, handshakeTimeout: 10_000 });
    const pending = new Map<string, (r: DecisionResult) => void>();
    const snapshotListeners = new Set<(requests: readonly ApprovalRequest[]) => void>();
    const errorListeners = new Set<(message: string) => void>();
    let settled = false;
    const settle = (r: Result<ApproverConnection, 'APPROVER_UNREACHABLE'>) => {
      if (!settled) (settled = true), resolve(r);
    };
    const send = (m: ApproverClientMessage) => ws.readyState === WebSocket.OPEN && ws.send(encodeMessage(m));
    const failAll = (message: string) => {
      for (const answer of pending.values()) answer({ ok: false, message });
      pending.clear();
      for (const l of errorListeners) l(message);
    };
    const decide = (id: string, decision: 'approve' | 'deny', reason?: string): Promise<DecisionResult> =>
      new Promise((answer) => {
        if (ws.readyState !== WebSocket.OPEN) return answer({ ok: false, message: 'not connected to the broker' });
        const ref = randomUUID();
        pending.set(ref, answer);
        send({ type: 'approval.decide', ref, id, decision, ...(reason === undefined ? {} : { reason }) });
      });
    const connection: ApproverConnection = Object.freeze({
      subscribe: (onSnapshot: (r: readonly ApprovalRequest[]) => void, onError: (m: string) => void) => {
        snapshotListeners.add(onSnapshot);
        errorListeners.add(onError);
        send({ type: 'approvals.subscribe' });
        return () => {
          snapshotListeners.delete(onSnapshot);
          errorListeners.delete(onError);
        };
      },
      approve: (id: string, reason?: string) => decide(id, 'approve', reason),
      deny: (id: string, reason: string) => decide(id, 'deny', reason),
      close: () => ws.close(1000, 'done'),
    });
    const onMessage = (m: ApproverServerMessage) => {
      if (m.type === 'hello') return settle(ok(connection));
      if (m.type === 'approvals.snapshot') for (const l of snapshotListeners) l(m.requests as unknown as readonly ApprovalRequest[]);
      else if (m.type === 'approval.result') {
        pending.get(m.ref)?.(m.ok ? { ok: true } : { ok: false, message: `${m.message ?? 'refused'} (${m.code ?? 'error'})` });
        pending.delete(m.ref);
      } else if (m.type === 'error') {
        if (!settled) return settle(fail('APPROVER_UNREACHABLE', `${m.message} (${m.code})`));
        failAll(`${m.message} (${m.code})`);
      }
    };

    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString('utf8')));
      res.on('end', () => settle(fail('APPROVER_UNREACHABLE', describeRejection(opts.url, res.statusCode ?? 0, body, 'check --broker (else AWS_GUARD_URL, else `aws-guard login`)'))));
    });
    ws.on('error', (e: NodeJS.ErrnoException) => settle(fail('APPROVER_UNREACHABLE', `cannot reach the broker at ${opts.url} (${e.code ?? e.message})`)));
    ws.on('open', () => send({ type: 'hello', protocol: { min: MIN_PROTOCOL_VERSION, max: PROTOCOL_VERSION }, client: { name: 'aws-guard-approver', version: opts.clientVersion } }));
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      const decoded = decodeApproverServerFrame(data, isBinary);
      if (!decoded.ok || decoded.value.kind !== 'message') return failAll(`the broker sent an invalid frame${decoded.ok ? '' : `: ${decoded.issue.message}`}`);
      onMessage(decoded.value.message);
    });
    ws.on('close', (code: number, reason: Buffer) => {
      settle(fail('APPROVER_UNREACHABLE', `the broker closed the connection (${code} ${reason.toString()})`.trim()));
      failAll(`the connection to the broker closed (${code})`);
    });
  });
