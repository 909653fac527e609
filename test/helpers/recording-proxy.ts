// A loopback HTTP proxy in front of a service (moto): forwards every request unchanged and keeps a copy of
// it and of the answer, so that a test can assert on what was sent (moto does not echo SourceIdentity back)
// and knows the secrets that were handed out (to prove they never reach a log or the audit).
import { createServer, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export type RecordedRequest = { method: string; path: string; headers: IncomingHttpHeaders; body: string; response: string };

export type RecordingProxy = Readonly<{
  url: string;
  requests: RecordedRequest[];
  /** Form-encoded query API calls (STS, IAM) with the given Action, parameters decoded. */
  actions: (action: string) => URLSearchParams[];
  close: () => Promise<void>;
}>;

export const startRecordingProxy = async (target: string): Promise<RecordingProxy> => {
  const to = new URL(target);
  const requests: RecordedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const recorded: RecordedRequest = { method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers, body: body.toString('utf8'), response: '' };
      requests.push(recorded);
      const upstream = httpRequest(
        { host: to.hostname, port: to.port, method: req.method, path: req.url, headers: { ...req.headers, host: to.host } },
        (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.on('data', (c: Buffer) => (recorded.response += c.toString('utf8')));
          up.pipe(res);
        },
      );
      upstream.on('error', (e) => res.writeHead(502).end(e.message));
      upstream.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    actions: (action) => requests.map((r) => new URLSearchParams(r.body)).filter((p) => p.get('Action') === action),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};
