// Test harness (not a test): a real broker HTTP server on 127.0.0.1:0 with a fake authenticate and a fake
// command handler, and a WebSocket client that decodes every frame with the shared codec.
import { once } from 'node:events';
import type { Test } from 'tap';
import { WebSocket } from 'ws';
import { fail, ok, type Result } from '@aws-guard/shared/result';
import { decodeServerFrame, encodeMessage } from '@aws-guard/shared/protocol/codec';
import { encodeDataFrame } from '@aws-guard/shared/protocol/data-frame';
import type { ClientMessage, FlowStream, ServerMessage } from '@aws-guard/shared/protocol/messages';
import { PROTOCOL_VERSION } from '@aws-guard/shared/protocol/version';
import { AGENT_PATH } from '@aws-guard/shared/protocol/endpoints';
import type { Identity } from '@aws-guard/broker/auth/identity';
import { createBrokerServer, type BrokerServer, type Readiness } from '@aws-guard/broker/server/http-server';
import { handleAgentConnection, type BrokerHelloInfo, type CommandHandler } from '@aws-guard/broker/server/agent-connection';

export const IDENTITY: Identity = Object.freeze({
  agent: 'claude', human: 'alice', role: 'agent', groups: [], sessionId: 'ses_test', tokenId: 'tok_1', expiresAt: new Date('2100-01-01T00:00:00Z'),
});
export const BROKER_HELLO: BrokerHelloInfo = Object.freeze({
  brokerVersion: '0.1.0-test',
  cli: { version: '1.45.11', major: 1, versionText: 'aws-cli/1.45.11 Python/3.11.7 Linux/6.1 botocore/1.43.11\n' },
});

/** "good" passes; "old" has expired; "approver" has the wrong role; "unaudited" is a good token whose acceptance
 * could not be audited; "boom" makes authenticate throw. */
export const fakeAuthenticate = async (authorization: string | undefined): Promise<Result<Identity>> => {
  switch (authorization) {
    case 'Bearer good': return ok(IDENTITY);
    case 'Bearer old': return fail('AUTH_TOKEN_EXPIRED', 'the token has expired: issue a new one');
    case 'Bearer approver': return fail('AUTH_WRONG_ROLE', 'a token with role "approver" cannot be used here');
    case 'Bearer unaudited': return fail('AUDIT_UNAVAILABLE', 'the broker cannot write its audit log, so it accepts no connection');
    case 'Bearer boom': throw new Error('key store unavailable');
    case undefined: return fail('AUTH_TOKEN_MISSING', 'no bearer token');
    default: return fail('AUTH_TOKEN_INVALID', 'the token signature does not verify');
  }
};

export type TestBroker = Readonly<{
  server: BrokerServer;
  port: number;
  base: string;
  url: string;
  calls: { authenticate: number; agents: Identity[] };
}>;

export const startBroker = async (
  t: Test,
  opts: { onCommand?: CommandHandler; readiness?: () => Readiness } = {},
): Promise<TestBroker> => {
  const calls = { authenticate: 0, agents: [] as Identity[] };
  const server = createBrokerServer({
    authenticate: (authorization) => {
      calls.authenticate++;
      return fakeAuthenticate(authorization);
    },
    onAgent: (ws, identity) => {
      calls.agents.push(identity);
      handleAgentConnection(ws, identity, BROKER_HELLO, opts.onCommand ?? (() => new Promise(() => undefined)));
    },
    readiness: opts.readiness ?? (() => ({ ready: true, checks: { store: 'ok' } })),
  });
  const { port } = await server.listen('127.0.0.1', 0);
  t.teardown(() => server.close());
  return { server, port, base: `http://127.0.0.1:${port}`, url: `ws://127.0.0.1:${port}${AGENT_PATH}`, calls };
};

export type Frame =
  | { kind: 'message'; message: ServerMessage }
  | { kind: 'data'; stream: FlowStream; payload: Buffer }
  | { kind: 'invalid'; reason: string }
  | { kind: 'closed'; code: number; reason: string };

export type TestClient = Readonly<{
  ws: WebSocket;
  /** The next frame from the broker, or `closed` once the socket closed and every frame was read. */
  next: () => Promise<Frame>;
  send: (message: ClientMessage) => void;
  sendData: (stream: FlowStream, payload: Buffer) => void;
  closed: Promise<{ code: number; reason: string }>;
  /** Sends a hello for [min, max] and returns the broker's answer frame. */
  hello: (min?: number, max?: number) => Promise<Frame>;
}>;

export const connect = async (broker: TestBroker, token = 'good'): Promise<TestClient> => {
  const ws = new WebSocket(broker.url, { headers: { authorization: `Bearer ${token}` }, maxPayload: 64 * 1024 * 1024 });
  const queue: Frame[] = [];
  const waiters: ((f: Frame) => void)[] = [];
  let end: Frame | undefined;
  const push = (frame: Frame) => {
    const waiter = waiters.shift();
    if (waiter) waiter(frame);
    else queue.push(frame);
  };
  ws.on('message', (data: Buffer, isBinary) => {
    const decoded = decodeServerFrame(data, isBinary);
    if (!decoded.ok) return push({ kind: 'invalid', reason: decoded.issue.message });
    const v = decoded.value;
    push(v.kind === 'message' ? v : { kind: 'data', stream: v.frame.stream, payload: Buffer.from(v.frame.payload) });
  });
  ws.on('error', () => undefined);
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on('close', (code, reason) => {
      end = { kind: 'closed', code, reason: reason.toString() };
      for (const waiter of waiters.splice(0)) waiter(end);
      resolve({ code, reason: reason.toString() });
    }),
  );
  await once(ws, 'open');
  const next = () => {
    const queued = queue.shift();
    if (queued) return Promise.resolve(queued);
    if (end) return Promise.resolve(end);
    return new Promise<Frame>((resolve) => waiters.push(resolve));
  };
  const send = (message: ClientMessage) => ws.send(encodeMessage(message));
  return Object.freeze({
    ws,
    next,
    send,
    sendData: (stream: FlowStream, payload: Buffer) => ws.send(encodeDataFrame(stream, payload)),
    closed,
    hello: (min = PROTOCOL_VERSION, max = PROTOCOL_VERSION) => {
      send({ type: 'hello', protocol: { min, max }, client: { name: 'test-shim', version: '0.0.0' } });
      return next();
    },
  });
};

export const RUN: ClientMessage = Object.freeze({
  type: 'command.run', argv: ['s3api', 'list-buckets'], env: { AWS_REGION: 'eu-west-1' }, terminal: { columns: 100 },
}) as ClientMessage;

/** A promise with its resolve function outside. */
export const deferred = <T>() => {
  let resolve: (v: T) => void = () => undefined;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
};
