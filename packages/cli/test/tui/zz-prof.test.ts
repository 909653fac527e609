import { PassThrough } from 'node:stream';
import { performance } from 'node:perf_hooks';
import t from 'tap';
import { createElement } from 'react';
import { render } from 'ink';
import { ApproveApp } from '../../src/tui/approve-app.js';
import { createFakeApproverClient } from './fake-approver-client.js';
import { createFakeClock } from './fake-clock.js';
import { makeRequest, T0 } from './approval-fixture.js';

t.test('prof', async (t) => {
  const MANY = Array.from({ length: 200 }, (_, i) => makeRequest(`apr_${i}`, { expiresInMs: 60_000 + i * 1000, requester: { agent: `agent-${i % 20}` } }));
  const client = createFakeApproverClient();
  const clock = createFakeClock(T0);
  const stdin = Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => stdin, ref: () => stdin, unref: () => stdin });
  const stdout = Object.assign(new PassThrough(), { isTTY: true, columns: 100, rows: Number(process.env.ROWS ?? 30) });
  stdout.resume();
  const renders: number[] = [];
  let writes = 0;
  stdout.on('data', () => writes++);
  const app = render(createElement(ApproveApp, { client, clock }), { stdin: stdin as any, stdout: stdout as any, debug: true, onRender: (m) => renders.push(m.renderTime) });
  client.push(MANY);
  await new Promise((r) => setTimeout(r, 100));
  renders.length = 0;
  const totals: number[] = [];
  for (let i = 0; i < 60; i++) {
    const w = writes;
    const s = performance.now();
    stdin.write('j');
    while (writes === w) await new Promise((r) => setImmediate(r));
    totals.push(performance.now() - s);
  }
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!.toFixed(2);
  t.comment(`ink renderTime median ${med(renders)} (n=${renders.length}); key to write median ${med(totals)}`);
  app.unmount();
});
