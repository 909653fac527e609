// The broker's HTTP face: health endpoints, /metrics (unless it has a listener of its own), and the WebSocket
// upgrade that authenticates BEFORE a socket exists (a bad token gets a 401/403 with a JSON reason and never
// reaches the WebSocket layer; a good one whose acceptance cannot be audited gets a 503).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Result } from '@aws-guard/shared/result';
import { MAX_WS_PAYLOAD_BYTES } from '@aws-guard/shared/protocol/limits';
import { AGENT_PATH, APPROVER_PATH, HEALTH_PATH, METRICS_PATH, READY_PATH } from '@aws-guard/shared/protocol/endpoints';
import type { Identity } from '../auth/identity.js';
import { listenHttp } from './listen-http.js';


export type Readiness = Readonly<{ ready: boolean; checks: Readonly<Record<string, string>> }>;

export type BrokerServerDeps = Readonly<{
  /**
   * Verifies the bearer token for the channel at `path` (each channel accepts its own roles) and audits the
   * outcome (authenticate-upgrade.ts); `origin` is the socket's peer, for that record.
   */
  authenticate: (authorization: string | undefined, path: string, origin: Readonly<{ remoteAddress: string | undefined }>) => Promise<Result<Identity>>;
  onAgent: (ws: WebSocket, identity: Identity) => void;
  onApprover?: (ws: WebSocket, identity: Identity) => void;
  readiness: () => Readiness;
  /** Serves /metrics on this port (metrics/metrics-endpoint.ts); absent when disabled or on a listener of its own. */
  metrics?: (req: IncomingMessage, res: ServerResponse) => void;
}>;

export type BrokerServer = Readonly<{
  listen: (host: string, port: number) => Promise<AddressInfo>;
  close: () => Promise<void>;
  connections: () => number;
}>;

const STATUS_TEXT: Readonly<Record<number, string>> = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 500: 'Internal Server Error', 503: 'Service Unavailable' };

/** 403 for a sound token of the wrong role, 503 when the acceptance could not be audited, else 401. */
const statusOf = (code: string): number => (code === 'AUTH_WRONG_ROLE' ? 403 : code === 'AUDIT_UNAVAILABLE' ? 503 : 401);

const rejectUpgrade = (socket: Duplex, status: number, code: string, message: string): void => {
  const body = JSON.stringify({ code, message });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? 'Error'}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
};

const json = (res: ServerResponse, status: number, body: unknown): void => {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
};

export const createBrokerServer = (deps: BrokerServerDeps): BrokerServer => {
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_WS_PAYLOAD_BYTES, perMessageDeflate: false });
  const http = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === HEALTH_PATH) return json(res, 200, { status: 'ok' });
    if (path === READY_PATH) {
      const r = deps.readiness();
      return json(res, r.ready ? 200 : 503, { status: r.ready ? 'ready' : 'not-ready', checks: r.checks });
    }
    if (path === METRICS_PATH && deps.metrics !== undefined) return deps.metrics(req, res);
    return json(res, 404, { code: 'NOT_FOUND', message: `no such endpoint: ${path}` });
  });

  http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const path = (req.url ?? '').split('?')[0] ?? '';
    const onOpen = path === AGENT_PATH ? deps.onAgent : path === APPROVER_PATH ? deps.onApprover : undefined;
    if (onOpen === undefined) return rejectUpgrade(socket, 404, 'NOT_FOUND', `no WebSocket endpoint at ${req.url}`);
    deps.authenticate(req.headers.authorization, path, { remoteAddress: req.socket.remoteAddress }).then(
      (auth) => {
        if (!auth.ok) return rejectUpgrade(socket, statusOf(auth.issue.code), auth.issue.code, auth.issue.message);
        wss.handleUpgrade(req, socket, head, (ws) => onOpen(ws, auth.value));
      },
      () => rejectUpgrade(socket, 500, 'BROKER_INTERNAL', 'authentication failed unexpectedly'),
    );
  });

  return Object.freeze({
    listen: (host: string, port: number) => listenHttp(http, host, port),
    close: () =>
      new Promise<void>((resolve) => {
        for (const ws of wss.clients) ws.terminate();
        wss.close();
        http.close(() => resolve());
        http.closeAllConnections();
      }),
    connections: () => wss.clients.size,
  });
};
