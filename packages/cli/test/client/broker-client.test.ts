// The client's connect: whatever the broker sends first, and however fast (frames can arrive before the
// protocol schemas have loaded: they wait in order), the outcome is the one that frame calls for.
import t from 'tap';
import { WebSocketServer, type WebSocket } from 'ws';
import type { AddressInfo } from 'node:net';
import { connectBroker } from '../../src/client/broker-client.js';

const HELLO = { type: 'hello', protocol: 2, broker: { version: '0.1.0' }, cli: { version: '1.45.11', major: 1, versionText: 'aws-cli/1.45.11' } };

type Case = Readonly<{
  name: string;
  /** What the fake broker does the moment the connection opens. */
  greet: (ws: WebSocket) => void;
  refuse?: boolean;
  expect: { ok: true } | { ok: false; code: string; message: RegExp };
}>;

const CASES: readonly Case[] = [
  { name: 'a hello', greet: (ws) => ws.send(JSON.stringify(HELLO)), expect: { ok: true } },
  {
    name: 'an error frame and an immediate close',
    greet: (ws) => {
      ws.send(JSON.stringify({ type: 'error', code: 'PROTOCOL_UNSUPPORTED', message: 'speak protocol 2' }));
      ws.close(4001, 'unsupported');
    },
    expect: { ok: false, code: 'PROTOCOL_UNSUPPORTED', message: /^speak protocol 2$/ },
  },
  { name: 'a frame that is not JSON', greet: (ws) => ws.send('{nope'), expect: { ok: false, code: 'PROTOCOL_ERROR', message: /^the broker sent an invalid frame: message is not valid JSON$/ } },
  {
    name: 'a message that fails the schema',
    greet: (ws) => ws.send(JSON.stringify({ ...HELLO, protocol: 'two' })),
    expect: { ok: false, code: 'PROTOCOL_ERROR', message: /^the broker sent an invalid frame: invalid message: / },
  },
  {
    name: 'another message before the hello',
    greet: (ws) => ws.send(JSON.stringify({ type: 'command.accepted', requestId: 'r', stdin: false })),
    expect: { ok: false, code: 'PROTOCOL_ERROR', message: /^the broker did not answer the hello$/ },
  },
  { name: 'a close before the hello', greet: (ws) => ws.close(1000, 'bye'), expect: { ok: false, code: 'BROKER_UNREACHABLE', message: /closed the connection before the hello \(1000 bye\)/ } },
  { name: 'a refused upgrade', greet: () => undefined, refuse: true, expect: { ok: false, code: 'BROKER_REJECTED', message: /^ws:\/\/\S+ answered HTTP 401, which is not an aws-guard broker's answer \(a proxy's error, or the wrong address\): check AWS_GUARD_URL$/ } },
];

for (const c of CASES) {
  t.test(c.name, async (t) => {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, verifyClient: () => c.refuse !== true });
    await new Promise((resolve) => wss.once('listening', resolve));
    t.teardown(
      () =>
        new Promise<void>((resolve) => {
          for (const ws of wss.clients) ws.terminate();
          wss.close(() => resolve());
        }),
    );
    wss.on('connection', (ws) => {
      ws.on('error', () => undefined);
      c.greet(ws);
    });
    const marks: string[] = [];
    const { port } = wss.address() as AddressInfo;
    const result = await connectBroker({ url: `ws://127.0.0.1:${port}/v1/agent`, token: 't', clientVersion: '0.1.0', mark: (p) => marks.push(p) });
    t.equal(result.ok, c.expect.ok);
    if (result.ok) {
      t.same(result.value.hello, HELLO);
      t.same(marks, ['connecting', 'upgraded']);
      result.value.close();
    } else if (!c.expect.ok) {
      t.equal(result.issue.code, c.expect.code);
      t.match(result.issue.message, c.expect.message);
    }
  });
}
