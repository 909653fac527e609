import t from 'tap';
import { once } from 'node:events';
import { request, type IncomingMessage } from 'node:http';
import { createServer } from 'node:net';
import { randomBytes } from 'node:crypto';
import { WebSocket } from 'ws';
import { AGENT_PATH } from '@aws-guard/shared/protocol/endpoints';
import { createBrokerServer } from '@aws-guard/broker/server/http-server';
import { IDENTITY, connect, startBroker, type TestBroker } from './broker-harness.js';

t.setTimeout(60_000);

const body = async (res: IncomingMessage): Promise<unknown> => {
  const chunks: Buffer[] = [];
  for await (const chunk of res) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
};

/** An upgrade request by hand: its plain HTTP answer (status, content type, JSON body), or 'upgraded'. */
const rawUpgrade = (broker: TestBroker, path: string, authorization?: string) =>
  new Promise<{ status: number; type: string | undefined; json: unknown } | 'upgraded'>((resolve, reject) => {
    const headers: Record<string, string> = {
      Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': randomBytes(16).toString('base64'),
    };
    if (authorization !== undefined) headers['Authorization'] = authorization;
    const req = request({ host: '127.0.0.1', port: broker.port, path, headers });
    req.on('upgrade', (_res, socket) => (socket.destroy(), resolve('upgraded')));
    req.on('response', async (res) => resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'], json: await body(res) }));
    req.on('error', reject);
    req.end();
  });

/** The same through the ws client: the status and body it reports through 'unexpected-response'. */
const wsRejection = (broker: TestBroker, token: string | undefined) =>
  new Promise<{ status: number; json: unknown }>((resolve, reject) => {
    const ws = new WebSocket(broker.url, token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } });
    ws.on('unexpected-response', async (_req, res) => {
      resolve({ status: res.statusCode ?? 0, json: await body(res) });
      ws.terminate();
    });
    ws.on('open', () => reject(new Error('the socket opened')));
    ws.on('error', () => undefined);
  });

const rejections: Array<[string, string | undefined, number, string]> = [
  ['no token', undefined, 401, 'AUTH_TOKEN_MISSING'],
  ['an expired token', 'Bearer old', 401, 'AUTH_TOKEN_EXPIRED'],
  ['an unknown token', 'Bearer forged', 401, 'AUTH_TOKEN_INVALID'],
  ['a token of the wrong role', 'Bearer approver', 403, 'AUTH_WRONG_ROLE'],
  ['a token whose acceptance cannot be audited', 'Bearer unaudited', 503, 'AUDIT_UNAVAILABLE'],
  ['an authenticate that throws', 'Bearer boom', 500, 'BROKER_INTERNAL'],
];

t.test('a bad token gets an HTTP status with a JSON {code, message} before any socket exists', async (t) => {
  const broker = await startBroker(t);
  for (const [name, authorization, status, code] of rejections) {
    const answer = await rawUpgrade(broker, AGENT_PATH, authorization);
    t.match(answer, { status, type: 'application/json', json: { code, message: String } }, `${name} (raw request)`);
    if (answer !== 'upgraded') t.same(Object.keys(answer.json as object).sort(), ['code', 'message'], `${name}: just code and message`);
    const token = authorization?.replace(/^Bearer /, '');
    t.match(await wsRejection(broker, token), { status, json: { code } }, `${name} (ws client)`);
  }
  t.same(broker.calls.agents, [], 'no agent connection was ever handed on');
  t.equal(broker.server.connections(), 0);
});

t.test('a good token upgrades and the connection carries its identity', async (t) => {
  const broker = await startBroker(t);
  const client = await connect(broker, 'good');
  t.same(broker.calls.agents, [IDENTITY]);
  t.equal(broker.server.connections(), 1);
  client.ws.close();
  await client.closed;
});

t.test('an upgrade to any other path is 404 and never authenticated', async (t) => {
  const broker = await startBroker(t);
  for (const path of ['/', '/v1/agents', '/v2/agent', '/healthz', `${AGENT_PATH}/x`]) {
    t.match(await rawUpgrade(broker, path, 'Bearer good'), { status: 404, json: { code: 'NOT_FOUND' } }, path);
  }
  t.match(await rawUpgrade(broker, `${AGENT_PATH}?agent=x`, 'Bearer good'), 'upgraded', 'a query string does not change the path');
  t.equal(broker.calls.authenticate, 1, 'only the agent path reached authenticate');
});

t.test('/healthz answers 200 whatever the readiness, /readyz follows it', async (t) => {
  let ready = true;
  const broker = await startBroker(t, { readiness: () => ({ ready, checks: { store: ready ? 'ok' : 'redis unreachable' } }) });
  const get = async (path: string) => {
    const res = await fetch(`${broker.base}${path}`);
    return { status: res.status, type: res.headers.get('content-type'), json: await res.json() };
  };
  t.same(await get('/healthz'), { status: 200, type: 'application/json', json: { status: 'ok' } });
  t.same(await get('/healthz?probe=k8s'), { status: 200, type: 'application/json', json: { status: 'ok' } });
  t.same(await get('/readyz'), { status: 200, type: 'application/json', json: { status: 'ready', checks: { store: 'ok' } } });
  ready = false;
  t.same(await get('/readyz'), { status: 503, type: 'application/json', json: { status: 'not-ready', checks: { store: 'redis unreachable' } } });
  t.equal((await get('/healthz')).status, 200, 'alive even when not ready');
});

t.test('any other HTTP path is a JSON 404', async (t) => {
  const broker = await startBroker(t);
  for (const path of ['/', '/metrics2', '/v1/agent', '/healthz/x', '/../etc/passwd']) {
    const res = await fetch(`${broker.base}${path}`);
    t.equal(res.status, 404, path);
    t.match(await res.json(), { code: 'NOT_FOUND', message: String }, `${path}: body`);
  }
});

t.test('close() drops open agent sockets and stops listening', async (t) => {
  const broker = await startBroker(t);
  const client = await connect(broker);
  await client.hello();
  await broker.server.close();
  t.ok((await client.closed).code >= 1000, 'the agent saw its socket close');
  await t.rejects(fetch(`${broker.base}/healthz`), 'no longer listening');
});

t.test('listening on a port in use fails with the reason instead of hanging', async (t) => {
  const blocker = createServer();
  blocker.listen(0, '127.0.0.1');
  await once(blocker, 'listening');
  t.teardown(() => blocker.close());
  const { port } = blocker.address() as { port: number };
  const server = createBrokerServer({ authenticate: async () => { throw new Error('unused'); }, onAgent: () => undefined, readiness: () => ({ ready: true, checks: {} }) });
  await t.rejects(server.listen('127.0.0.1', port), { code: 'EADDRINUSE' });
});
