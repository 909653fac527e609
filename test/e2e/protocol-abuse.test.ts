// Bad input on the agent channel gets a clear error and a close, and costs the broker nothing else:
// wrong protocol version, oversize and malformed frames, no token at the upgrade.
import t from 'tap';
import WebSocket from 'ws';
import { startBroker } from '../helpers/broker.js';
import { agentEnv, runAws } from '../helpers/shim.js';
import { PROTOCOL_VERSION } from '@aws-guard/shared/protocol/version';

const broker = await startBroker();
t.teardown(broker.stop);
const agentUrl = `${broker.url}/v1/agent`;
const token = await broker.token();

type Seen = { messages: { type: string; code?: string }[]; close: { code: number; reason: string } };

const converse = (send: (ws: WebSocket) => void, headers: Record<string, string> = { authorization: `Bearer ${token}` }): Promise<Seen> =>
  new Promise((resolve, reject) => {
    const ws = new WebSocket(agentUrl, { headers, maxPayload: 8 * 1024 * 1024 });
    const messages: Seen['messages'] = [];
    ws.on('open', () => send(ws));
    ws.on('message', (d, binary) => !binary && messages.push(JSON.parse(d.toString()) as Seen['messages'][number]));
    ws.on('close', (code, reason) => resolve({ messages, close: { code, reason: reason.toString() } }));
    ws.on('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.on('error', () => undefined);
  });

const hello = (min: number, max: number) => JSON.stringify({ type: 'hello', protocol: { min, max }, client: { name: 'test', version: '0' } });

t.test('a client speaking only newer or only older protocols gets PROTOCOL_UNSUPPORTED and close 4001', async (t) => {
  // [1, 1] is a shim from before local files travelled: it could not answer files.request.
  for (const [min, max] of [[PROTOCOL_VERSION + 1, PROTOCOL_VERSION + 4], [1, 1]] as const) {
    const seen = await converse((ws) => ws.send(hello(min, max)));
    t.same(seen.messages.map((m) => m.code), ['PROTOCOL_UNSUPPORTED'], `${min}-${max}`);
    t.equal(seen.close.code, 4001);
  }
});

t.test('an oversize message gets FRAME_TOO_LARGE and close 1009', async (t) => {
  const seen = await converse((ws) => ws.send('x'.repeat(2 * 1024 * 1024)));
  t.same(seen.messages.map((m) => m.code), ['FRAME_TOO_LARGE']);
  t.equal(seen.close.code, 1009);
});

t.test('a malformed message gets FRAME_MALFORMED and close 1002', async (t) => {
  const seen = await converse((ws) => ws.send('{"type":"hello",'));
  t.same(seen.messages.map((m) => m.code), ['FRAME_MALFORMED']);
  t.equal(seen.close.code, 1002);
});

t.test('a command before the hello is a protocol error', async (t) => {
  const seen = await converse((ws) => ws.send(JSON.stringify({ type: 'command.run', argv: ['s3', 'ls'], env: {}, terminal: {} })));
  t.same(seen.messages.map((m) => m.code), ['PROTOCOL_UNEXPECTED']);
});

t.test('no token: 401 at the upgrade, before any socket exists', async (t) => {
  const status = await converse(() => undefined, {}).then(
    () => 'opened',
    (e: Error) => e.message,
  );
  t.equal(status, 'HTTP 401');
});

t.test('the broker still serves agents after all of this', async (t) => {
  const res = await runAws(['--version'], { env: await agentEnv(broker.url, token) });
  t.equal(res.code, 0, res.stderr);
});
