// Serves /metrics: on the broker's own port (http-server.ts takes the handler), or alone on `metrics.listen`
// (docs/metrics.md). The exposition is whatever broker-metrics.ts renders; nothing here knows prom-client.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { METRICS_PATH } from '@aws-guard/shared/protocol/endpoints';
import { listenHttp } from '../server/listen-http.js';

/** What /metrics serves: the text format and its Content-Type (prom-client's register.contentType). */
export type MetricsExposition = Readonly<{ contentType: string; render: () => Promise<string> }>;

export type MetricsHandler = (req: IncomingMessage, res: ServerResponse) => void;

export const metricsHandler = (exposition: MetricsExposition): MetricsHandler => (req, res) => {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'application/json' }).end(JSON.stringify({ code: 'METHOD_NOT_ALLOWED', message: 'GET /metrics' }));
    return;
  }
  exposition.render().then(
    (text) => res.writeHead(200, { 'content-type': exposition.contentType }).end(req.method === 'HEAD' ? undefined : text),
    // A collector that throws is a bug worth a 500, not a broker that stops.
    (e: unknown) => res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end(`metrics collection failed: ${(e as Error).message}\n`),
  );
};

export type MetricsServer = Readonly<{
  listen: (host: string, port: number) => Promise<AddressInfo>;
  close: () => Promise<void>;
}>;

/** A listener of its own that answers /metrics and nothing else. */
export const createMetricsServer = (handler: MetricsHandler): MetricsServer => {
  const http = createServer((req, res) => {
    if ((req.url ?? '/').split('?')[0] === METRICS_PATH) return handler(req, res);
    res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ code: 'NOT_FOUND', message: `only ${METRICS_PATH} is served here` }));
  });
  return Object.freeze({
    listen: (host: string, port: number) => listenHttp(http, host, port),
    close: () =>
      new Promise<void>((resolve) => {
        if (!http.listening) return resolve();
        http.close(() => resolve());
        http.closeAllConnections();
      }),
  });
};
