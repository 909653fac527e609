// Colours need FORCE_COLOR set before ink's chalk loads, so this file imports that first.
import './force-color.js';
import t from 'tap';
import { makeRequest } from './approval-fixture.js';
import { renderApproveApp } from './render-approve-app.js';

const SGR: Readonly<Record<string, string>> = { green: '\u001b[32m', yellow: '\u001b[33m', red: '\u001b[31m', magenta: '\u001b[35m', cyan: '\u001b[36m', redBright: '\u001b[91m' };

t.test('each risk is drawn in its colour', async (t) => {
  const risks = [
    ['read', 'green'],
    ['write', 'yellow'],
    ['destructive', 'red'],
    ['privilege', 'magenta'],
    ['secret_read', 'cyan'],
    ['forbidden', 'redBright'],
  ] as const;
  const h = renderApproveApp();
  h.client.push(risks.map(([risk], i) => makeRequest(`apr_${i}`, { expiresInMs: (i + 1) * 60_000, summary: { risk } })));
  const f = await h.waitFor((x) => x.includes('forbidden'), 'the rows');
  for (const [risk, color] of risks) t.ok(f.includes(`${SGR[color]}${risk}`), `${risk} is ${color}`);
  h.unmount();
});

t.test('the time left turns yellow under 5 minutes and red under 1', async (t) => {
  const h = renderApproveApp();
  h.client.push([makeRequest('apr_soon', { expiresInMs: 4 * 60_000 + 5_000 })]);
  await h.waitFor((x) => x.includes('4m05s'), 'the countdown');
  t.ok(h.frame().includes(`${SGR.yellow}  4m05s`));
  h.clock.advance(3 * 60_000 + 10_000);
  const f = await h.waitFor((x) => x.includes('55s'), 'the last minute');
  t.ok(f.includes(`${SGR.red}    55s`));
  h.unmount();
});
