import t, { type Test } from 'tap';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createBrokerServer } from '@aws-guard/broker/server/http-server';
import { createMetricsServer, metricsHandler, type MetricsExposition } from '@aws-guard/broker/metrics/metrics-endpoint';
import { fail } from '@aws-guard/shared/result';

const TEXT = '# HELP x_total an example\n# TYPE x_total counter\nx_total 3\n';
const good: MetricsExposition = { contentType: 'text/plain; version=0.0.4; charset=utf-8', render: async () => TEXT };
const broken: MetricsExposition = { contentType: good.contentType, render: async () => { throw new Error('collector exploded'); } };

type Answer = Readonly<{ status: number; type: string | undefined; body: string }>;
const get = (port: number, path: string, method = 'GET') =>
  new Promise<Answer>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method }, async (res) => {
      const chunks: Buffer[] = [];
      for await (const c of res) chunks.push(c as Buffer);
      resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'], body: Buffer.concat(chunks).toString('utf8') });
    });
    req.on('error', reject);
    req.end();
  });

const brokerServer = async (t: Test, metrics?: MetricsExposition) => {
  const server = createBrokerServer({
    authenticate: async () => fail('AUTH_TOKEN_MISSING', 'no'),
    onAgent: () => undefined,
    readiness: () => ({ ready: true, checks: { store: 'embedded' } }),
    ...(metrics === undefined ? {} : { metrics: metricsHandler(metrics) }),
  });
  const address: AddressInfo = await server.listen('127.0.0.1', 0);
  t.teardown(() => server.close());
  return address.port;
};

t.test('the broker port serves /metrics with the exposition content type, beside /healthz and /readyz', async (t) => {
  const port = await brokerServer(t, good);
  t.same(await get(port, '/metrics'), { status: 200, type: good.contentType, body: TEXT });
  t.same(await get(port, '/metrics?x=1'), { status: 200, type: good.contentType, body: TEXT }, 'a query string is ignored');
  t.match(await get(port, '/healthz'), { status: 200, type: 'application/json', body: '{"status":"ok"}' });
  t.match(JSON.parse((await get(port, '/readyz')).body), { status: 'ready', checks: { store: 'embedded' } });
  t.match(await get(port, '/metrics', 'POST'), { status: 405 });
  t.match(await get(port, '/metrics', 'HEAD'), { status: 200, type: good.contentType, body: '' });
});

t.test('without a metrics handler /metrics is 404 and the health endpoints still answer', async (t) => {
  const port = await brokerServer(t);
  t.match(await get(port, '/metrics'), { status: 404, body: /NOT_FOUND/ });
  t.match(await get(port, '/healthz'), { status: 200 });
  t.match(await get(port, '/readyz'), { status: 200 });
});

t.test('a collector that throws is a 500, and the server keeps serving', async (t) => {
  const port = await brokerServer(t, broken);
  t.match(await get(port, '/metrics'), { status: 500, body: /collector exploded/ });
  t.match(await get(port, '/healthz'), { status: 200 });
});

t.test('a metrics listener of its own answers /metrics and nothing else', async (t) => {
  const server = createMetricsServer(metricsHandler(good));
  const { port } = await server.listen('127.0.0.1', 0);
  t.teardown(() => server.close());
  t.same(await get(port, '/metrics'), { status: 200, type: good.contentType, body: TEXT });
  for (const path of ['/', '/healthz', '/readyz', '/v1/agent', '/metricsx']) t.match(await get(port, path), { status: 404 }, path);
  await server.close();
  await server.close();
  await t.rejects(get(port, '/metrics'), 'closed, and a second close is harmless');
});
