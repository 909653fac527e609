// The typed client side of the agent channel: connect with the bearer token, say hello, then exchange
// validated messages and data frames. Connection failures come back as values with a reason to print.
import WebSocket from 'ws';
import { fail, ok, type Result } from '@aws-guard/shared/result';
import type { Decoded } from '@aws-guard/shared/protocol/codec';
import { encodeMessage } from '@aws-guard/shared/protocol/encode-message';
import type { DataFrame } from '@aws-guard/shared/protocol/data-frame';
import { MAX_WS_PAYLOAD_BYTES } from '@aws-guard/shared/protocol/limits';
import type { ClientMessage, ServerHello, ServerMessage } from '@aws-guard/shared/protocol/messages';
import { MIN_PROTOCOL_VERSION, PROTOCOL_VERSION } from '@aws-guard/shared/protocol/version';
import { describeRejection } from './broker-url.js';

export type ClientCode = 'BROKER_UNREACHABLE' | 'BROKER_REJECTED' | 'PROTOCOL_UNSUPPORTED' | 'PROTOCOL_ERROR';

export type BrokerEvents = Readonly<{
  onMessage: (message: ServerMessage) => void;
  onData: (frame: DataFrame) => void;
  /** The connection ended; `problem` says why when it was not a normal end. */
  onClose: (code: number, reason: string) => void;
}>;

export type BrokerConnection = Readonly<{
  hello: ServerHello;
  send: (message: ClientMessage) => void;
  sendBinary: (frame: Buffer) => void;
  listen: (events: BrokerEvents) => void;
  close: () => void;
}>;

export type ConnectOptions = Readonly<{
  url: string;
  token: string;
  clientVersion: string;
  timeoutMs?: number;
  /** Only for tests of version negotiation. */
  protocolRange?: { min: number; max: number };
  /** Phases of the connect, for the shim's timing report (shim/shim-timing.ts). */
  mark?: (phase: 'connecting' | 'upgraded') => void;
}>;

type DecodeServerFrame = (data: Buffer, isBinary: boolean) => Decoded<ServerMessage>;

/** Resolves after this turn of the event loop: by then a connect begun in it has written its request. */
export const afterThisTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export const connectBroker = (opts: ConnectOptions): Promise<Result<BrokerConnection, ClientCode>> =>
  new Promise((resolve, reject) => {
    const ws = new WebSocket(opts.url, {
      headers: { authorization: `Bearer ${opts.token}` },
      maxPayload: MAX_WS_PAYLOAD_BYTES,
      perMessageDeflate: false,
      handshakeTimeout: opts.timeoutMs ?? 10_000,
    });
    opts.mark?.('connecting');
    // The protocol's schemas (zod) are built while the broker verifies the token and audits the connection,
    // not before the request leaves: the shim pays for them on every command. Until they are ready, the
    // socket's events wait, in the order they came.
    let decode: DecodeServerFrame | undefined;
    let waiting: (() => void)[] = [];
    const inOrder =
      <A extends unknown[]>(handler: (decodeFrame: DecodeServerFrame, ...args: A) => void) =>
      (...args: A): void => {
        if (decode === undefined) waiting.push(() => inOrder(handler)(...args));
        else handler(decode, ...args);
      };
    afterThisTurn()
      .then(() => import('@aws-guard/shared/protocol/codec'))
      .then(
        (codec) => {
          decode = codec.decodeServerFrame;
          for (const run of waiting) run();
          waiting = [];
        },
        (e: unknown) => {
          // Not an outcome to report: the installation is broken. The shim's boundary prints it.
          ws.terminate();
          reject(e);
        },
      );
    let events: BrokerEvents | undefined;
    let settled = false;
    const settle = (result: Result<BrokerConnection, ClientCode>) => {
      if (settled) return;
      settled = true;
      resolve(result);
    };

    ws.on('upgrade', () => opts.mark?.('upgraded'));
    // Before any frame: nothing is waiting yet.
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString('utf8')));
      res.on('end', () => {
        settle(fail('BROKER_REJECTED', describeRejection(opts.url, res.statusCode ?? 0, body, 'check AWS_GUARD_URL')));
        ws.terminate();
      });
    });
    ws.on(
      'error',
      inOrder((_decode, e: NodeJS.ErrnoException) => {
        settle(fail('BROKER_UNREACHABLE', `cannot reach the broker at ${opts.url} (${e.code ?? e.message})`));
      }),
    );
    ws.on('open', () => {
      const range = opts.protocolRange ?? { min: MIN_PROTOCOL_VERSION, max: PROTOCOL_VERSION };
      ws.send(encodeMessage({ type: 'hello', protocol: range, client: { name: 'aws-guard-shim', version: opts.clientVersion } }));
    });
    ws.on(
      'message',
      inOrder((decodeFrame, data: Buffer, isBinary: boolean) => {
        const decoded = decodeFrame(data, isBinary);
        if (!decoded.ok) {
          ws.terminate();
          const failure = fail('PROTOCOL_ERROR' as const, `the broker sent an invalid frame: ${decoded.issue.message}`);
          if (!settled) return settle(failure);
          return events?.onClose(1002, failure.issue.message);
        }
        const value = decoded.value;
        if (!settled) {
          if (value.kind === 'message' && value.message.type === 'hello') return settle(ok(connection(value.message)));
          if (value.kind === 'message' && value.message.type === 'error')
            return settle(fail(value.message.code === 'PROTOCOL_UNSUPPORTED' ? 'PROTOCOL_UNSUPPORTED' : 'PROTOCOL_ERROR', value.message.message));
          return settle(fail('PROTOCOL_ERROR', 'the broker did not answer the hello'));
        }
        if (value.kind === 'data') events?.onData(value.frame);
        else events?.onMessage(value.message);
      }),
    );
    ws.on(
      'close',
      inOrder((_decode, code: number, reason: Buffer) => {
        settle(fail('BROKER_UNREACHABLE', `the broker closed the connection before the hello (${code} ${reason.toString()})`.trim()));
        events?.onClose(code, reason.toString());
      }),
    );

    const connection = (hello: ServerHello): BrokerConnection =>
      Object.freeze({
        hello,
        send: (message: ClientMessage) => {
          if (ws.readyState === WebSocket.OPEN) ws.send(encodeMessage(message));
        },
        sendBinary: (frame: Buffer) => {
          if (ws.readyState === WebSocket.OPEN) ws.send(frame);
        },
        listen: (e: BrokerEvents) => {
          events = e;
        },
        close: () => ws.close(1000, 'done'),
      });
  });
