// One agent WebSocket from hello to close: validates every frame, negotiates the protocol version,
// hands one command to the run-command flow, and applies flow control in both directions.
import type { WebSocket, RawData } from 'ws';
import type { Writable } from 'node:stream';
import { decodeClientFrame, encodeMessage } from '@aws-guard/shared/protocol/codec';
import { encodeDataFrames } from '@aws-guard/shared/protocol/data-frame';
import { createFlowWindow } from '@aws-guard/shared/protocol/flow-window';
import { CLOSE_CODES, FLOW_WINDOW_BYTES, MAX_DATA_CHUNK_BYTES } from '@aws-guard/shared/protocol/limits';
import type { CommandRun, ServerMessage } from '@aws-guard/shared/protocol/messages';
import { negotiateVersion, PROTOCOL_VERSION } from '@aws-guard/shared/protocol/version';
import type { Identity } from '../auth/identity.js';
import type { Result } from '@aws-guard/shared/result';
import { CLIENT_FILE_MESSAGES, type AgentChannel, type CancelReason, type ClientFileMessage, type FileEvent, type FileLink, type ServerFileMessage } from './agent-channel.js';

export type BrokerHelloInfo = Readonly<{ brokerVersion: string; cli: { version: string; major: number; versionText: string } }>;
export type CommandHandler = (channel: AgentChannel, run: CommandRun) => Promise<void>;
/** Checks a fresher token for this connection's identity (server/refresh-token.ts); absent = refreshes are ignored. */
export type TokenRefresher = (current: Identity, token: string) => Promise<Result<Identity>>;

const HELLO_TIMEOUT_MS = 10_000;

const toBuffer = (data: RawData): Buffer =>
  Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);

export const handleAgentConnection = (ws: WebSocket, identity: Identity, hello: BrokerHelloInfo, onCommand: CommandHandler, refresh?: TokenRefresher): void => {
  let phase: 'hello' | 'ready' | 'running' | 'closed' = 'hello';
  const cancel = new AbortController();
  const windows = { stdout: createFlowWindow(FLOW_WINDOW_BYTES), stderr: createFlowWindow(FLOW_WINDOW_BYTES), download: createFlowWindow(FLOW_WINDOW_BYTES) };
  let fileListener: ((event: FileEvent) => void) | undefined;
  let stdinTarget: Writable | null = null;
  let cancelReason: CancelReason = 'disconnect';
  let validUntil = identity.expiresAt;
  // Refreshes are checked one at a time, in order: a slow older one never overwrites a newer expiry.
  let refreshing: Promise<void> = Promise.resolve();

  const send = (message: ServerMessage) => {
    if (ws.readyState === ws.OPEN) ws.send(encodeMessage(message));
  };
  const refuse = (code: string, message: string, closeCode: number) => {
    send({ type: 'error', code, message });
    phase = 'closed';
    ws.close(closeCode, code);
  };
  const helloTimer = setTimeout(() => refuse('PROTOCOL_HELLO_TIMEOUT', 'no hello within 10s', CLOSE_CODES.protocolError), HELLO_TIMEOUT_MS);
  helloTimer.unref();

  const writeData = (stream: keyof typeof windows, chunk: Buffer): void | Promise<void> => {
    if (ws.readyState !== ws.OPEN) return;
    const window = windows[stream];
    for (const frame of encodeDataFrames(stream, chunk, MAX_DATA_CHUNK_BYTES)) ws.send(frame);
    return window.sent(chunk.length) ? undefined : window.whenOpen();
  };

  const files: FileLink = Object.freeze({
    send: (message: ServerFileMessage) => send(message),
    writeDownload: (chunk: Buffer) => writeData('download', chunk),
    ackUpload: (bytes: number) => send({ type: 'flow.ack', stream: 'upload', bytes }),
    listen: (listener: ((event: FileEvent) => void) | undefined) => {
      fileListener = listener;
    },
  });

  const channel: AgentChannel = Object.freeze({
    identity,
    validUntil: () => validUntil,
    cancelled: cancel.signal,
    accept: (requestId, stdin) => send({ type: 'command.accepted', requestId, stdin }),
    approvalPending: (message) => send(message),
    queued: (info) => send({ type: 'command.queued', ...info }),
    write: (stream, chunk) => writeData(stream, chunk),
    files,
    pipeStdinTo: (target) => {
      stdinTarget = target;
    },
    exit: (requestId, exitCode, reason) => {
      send({ type: 'command.exit', requestId, exitCode, reason });
      phase = 'closed';
      ws.close(CLOSE_CODES.normal, 'done');
    },
    error: (code, message, requestId) => {
      send(requestId === undefined ? { type: 'error', code, message } : { type: 'error', code, message, requestId });
      phase = 'closed';
      ws.close(CLOSE_CODES.gatewayError, code);
    },
  });

  const onStdin = (payload: Buffer) => {
    const target = stdinTarget;
    // Without a target the command does not read stdin: acknowledge so the shim never stalls.
    if (target === null || target.destroyed || target.writableEnded) {
      send({ type: 'flow.ack', stream: 'stdin', bytes: payload.length });
      return;
    }
    target.write(payload, () => send({ type: 'flow.ack', stream: 'stdin', bytes: payload.length }));
  };

  ws.on('message', (data, isBinary) => {
    if (phase === 'closed') return;
    const decoded = decodeClientFrame(toBuffer(data), isBinary);
    if (!decoded.ok) {
      refuse(decoded.issue.code, decoded.issue.message, decoded.issue.code === 'FRAME_TOO_LARGE' ? CLOSE_CODES.tooLarge : CLOSE_CODES.protocolError);
      return;
    }
    const value = decoded.value;
    if (value.kind === 'data') {
      if (phase === 'running' && value.frame.stream === 'upload' && fileListener !== undefined) return fileListener({ kind: 'data', payload: value.frame.payload });
      if (phase !== 'running' || value.frame.stream !== 'stdin') return refuse('PROTOCOL_UNEXPECTED', `unexpected ${value.frame.stream} data`, CLOSE_CODES.protocolError);
      return onStdin(value.frame.payload);
    }
    const message = value.message;
    if (CLIENT_FILE_MESSAGES.has(message.type)) {
      if (phase !== 'running' || fileListener === undefined) return refuse('PROTOCOL_UNEXPECTED', `unexpected ${message.type}: the broker asked for no files`, CLOSE_CODES.protocolError);
      return fileListener({ kind: 'message', message: message as ClientFileMessage });
    }
    switch (message.type) {
      case 'hello': {
        if (phase !== 'hello') return refuse('PROTOCOL_UNEXPECTED', 'hello sent twice', CLOSE_CODES.protocolError);
        clearTimeout(helloTimer);
        const version = negotiateVersion(message.protocol.min, message.protocol.max);
        if (version === null)
          return refuse('PROTOCOL_UNSUPPORTED', `protocol ${message.protocol.min}-${message.protocol.max} is not supported by this broker (it speaks ${PROTOCOL_VERSION}); update aws-guard on the agent`, CLOSE_CODES.unsupportedVersion);
        phase = 'ready';
        return send({ type: 'hello', protocol: version, broker: { version: hello.brokerVersion }, cli: { ...hello.cli } });
      }
      case 'command.run':
        if (phase !== 'ready') return refuse('PROTOCOL_UNEXPECTED', phase === 'hello' ? 'command before hello' : 'one command per connection', CLOSE_CODES.protocolError);
        phase = 'running';
        onCommand(channel, message).catch((e: unknown) => channel.error('BROKER_INTERNAL', `internal error: ${(e as Error).message}`));
        return;
      case 'command.stdin-end':
        if (stdinTarget !== null && !stdinTarget.writableEnded) stdinTarget.end();
        return;
      case 'command.cancel':
        cancelReason = message.reason;
        return cancel.abort(cancelReason);
      case 'auth.refresh': {
        if (phase !== 'ready' && phase !== 'running') return refuse('PROTOCOL_UNEXPECTED', 'auth.refresh before hello', CLOSE_CODES.protocolError);
        if (refresh === undefined) return;
        const token = message.token;
        refreshing = refreshing.then(async () => {
          const checked = await refresh(identity, token);
          // A token for someone else on this connection is an attack or a misconfiguration: end it. One that does not
          // verify (a file caught mid-write, an expired one) changes nothing: the current expiry still holds.
          if (checked.ok) validUntil = checked.value.expiresAt;
          else if (checked.issue.code === 'AUTH_REFRESH_MISMATCH') channel.error(checked.issue.code, checked.issue.message);
        });
        return;
      }
      case 'flow.ack':
        if (message.stream === 'stdout' || message.stream === 'stderr' || message.stream === 'download') windows[message.stream].acked(message.bytes);
        return;
    }
  });
  ws.on('close', () => {
    clearTimeout(helloTimer);
    const wasRunning = phase === 'running';
    phase = 'closed';
    // Wake any writer waiting for a window that will never open again.
    windows.stdout.acked(Number.MAX_SAFE_INTEGER);
    windows.stderr.acked(Number.MAX_SAFE_INTEGER);
    windows.download.acked(Number.MAX_SAFE_INTEGER);
    if (wasRunning && !cancel.signal.aborted) cancel.abort(cancelReason);
  });
  // Without an error listener an oversize frame (maxPayload) would be an uncaught exception (TOOLCHAIN #10).
  ws.on('error', () => undefined);
};
