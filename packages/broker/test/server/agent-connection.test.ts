import t, { type Test } from 'tap';
import { CLOSE_CODES, MAX_DATA_CHUNK_BYTES, MAX_WS_PAYLOAD_BYTES } from '@aws-guard/shared/protocol/limits';
import { PROTOCOL_VERSION } from '@aws-guard/shared/protocol/version';
import type { CommandRun } from '@aws-guard/shared/protocol/messages';
import type { AgentChannel } from '@aws-guard/broker/server/agent-channel';
import { BROKER_HELLO, IDENTITY, RUN, connect, deferred, startBroker, type Frame, type TestClient } from './broker-harness.js';

/** Expects an error frame with `code`, then a close with `closeCode`. */
const refused = async (t: Test, client: TestClient, code: string, closeCode: number) => {
  const frame = await client.next();
  t.match(frame, { kind: 'message', message: { type: 'error', code, message: String } }, `error frame ${code}`);
  t.equal((await client.closed).code, closeCode, `closed with ${closeCode}`);
};

t.test('a supported hello is answered with the negotiated version, the broker and its CLI', async (t) => {
  const broker = await startBroker(t);
  for (const [min, max] of [[PROTOCOL_VERSION, PROTOCOL_VERSION], [1, PROTOCOL_VERSION + 5]] as const) {
    const client = await connect(broker);
    t.same(await client.hello(min, max), {
      kind: 'message',
      message: { type: 'hello', protocol: PROTOCOL_VERSION, broker: { version: BROKER_HELLO.brokerVersion }, cli: BROKER_HELLO.cli },
    }, `[${min}, ${max}]`);
    client.ws.close();
  }
});

t.test('a hello with no version in common is refused with PROTOCOL_UNSUPPORTED and close 4001', async (t) => {
  const broker = await startBroker(t);
  const client = await connect(broker);
  const frame = await client.hello(PROTOCOL_VERSION + 1, PROTOCOL_VERSION + 9);
  t.match(frame, { kind: 'message', message: { type: 'error', code: 'PROTOCOL_UNSUPPORTED', message: /update aws-guard/ } });
  t.equal((await client.closed).code, CLOSE_CODES.unsupportedVersion);
  t.equal(CLOSE_CODES.unsupportedVersion, 4001);
});

t.test('protocol order is enforced: no command before hello, one hello, one command', async (t) => {
  let commands = 0;
  const broker = await startBroker(t, { onCommand: () => (commands++, new Promise(() => undefined)) });
  const early = await connect(broker);
  early.send(RUN);
  await refused(t, early, 'PROTOCOL_UNEXPECTED', CLOSE_CODES.protocolError);

  const twice = await connect(broker);
  await twice.hello();
  twice.send({ type: 'hello', protocol: { min: 1, max: PROTOCOL_VERSION }, client: { name: 'again', version: '0' } });
  await refused(t, twice, 'PROTOCOL_UNEXPECTED', CLOSE_CODES.protocolError);

  const two = await connect(broker);
  await two.hello();
  two.send(RUN);
  two.send(RUN);
  await refused(t, two, 'PROTOCOL_UNEXPECTED', CLOSE_CODES.protocolError);
  t.equal(commands, 1, 'only the one well-ordered command reached the handler');
});

const badFrames: Array<[string, string, string]> = [
  ['malformed JSON', '{"type":"hello",', 'FRAME_MALFORMED'],
  ['an unknown message type', '{"type":"command.explode"}', 'FRAME_MALFORMED'],
  ['a hello with an extra field', JSON.stringify({ type: 'hello', protocol: { min: 1, max: 1 }, client: { name: 'x', version: '1' }, debug: true }), 'FRAME_MALFORMED'],
  ['a server message sent by the client', JSON.stringify({ type: 'command.exit', requestId: 'r', exitCode: 0, reason: 'exited' }), 'FRAME_MALFORMED'],
  ['a 2 MiB text frame', `{"type":"command.stdin-end"}${' '.repeat(2 * 1024 * 1024)}`, 'FRAME_TOO_LARGE'],
];

t.test('bad text frames get an error frame with a stable code, then the matching close', async (t) => {
  const broker = await startBroker(t);
  for (const [name, frame, code] of badFrames) {
    for (const afterHello of [false, true]) {
      const client = await connect(broker);
      if (afterHello) await client.hello();
      client.ws.send(frame);
      await t.test(`${name}${afterHello ? ' after hello' : ''}`, async (t) =>
        refused(t, client, code, code === 'FRAME_TOO_LARGE' ? CLOSE_CODES.tooLarge : CLOSE_CODES.protocolError));
    }
  }
});

t.test('a frame above the WebSocket cap is closed with 1009 and the broker serves the next agent', async (t) => {
  const broker = await startBroker(t);
  const client = await connect(broker);
  await client.hello();
  client.ws.send(Buffer.alloc(MAX_WS_PAYLOAD_BYTES + 1, 0x20).toString());
  t.equal((await client.closed).code, CLOSE_CODES.tooLarge);
  const next = await connect(broker);
  t.match(await next.hello(), { kind: 'message', message: { type: 'hello' } }, 'still alive');
  t.equal(broker.server.connections(), 1, 'the closed connection is gone');
});

t.test('data frames are refused on the wrong channel, on an unknown one, too large, or before a command', async (t) => {
  const broker = await startBroker(t, { onCommand: () => new Promise(() => undefined) });
  const cases: Array<[string, (c: TestClient) => void, string, number]> = [
    ['stdout data from the agent', (c) => c.sendData('stdout', Buffer.from('x')), 'PROTOCOL_UNEXPECTED', CLOSE_CODES.protocolError],
    ['stderr data from the agent', (c) => c.sendData('stderr', Buffer.from('x')), 'PROTOCOL_UNEXPECTED', CLOSE_CODES.protocolError],
    ['channel 9', (c) => c.ws.send(Buffer.from([9, 1, 2])), 'FRAME_UNKNOWN_CHANNEL', CLOSE_CODES.protocolError],
    ['a data chunk over the cap', (c) => c.sendData('stdin', Buffer.alloc(MAX_DATA_CHUNK_BYTES + 1)), 'FRAME_TOO_LARGE', CLOSE_CODES.tooLarge],
  ];
  for (const [name, act, code, closeCode] of cases) {
    const client = await connect(broker);
    await client.hello();
    client.send(RUN);
    act(client);
    await t.test(name, async (t) => refused(t, client, code, closeCode));
  }
  const early = await connect(broker);
  await early.hello();
  early.sendData('stdin', Buffer.from('too early'));
  await t.test('stdin before any command', async (t) => refused(t, early, 'PROTOCOL_UNEXPECTED', CLOSE_CODES.protocolError));
});

t.test('the handler gets the command as sent and the authenticated identity', async (t) => {
  const got = deferred<{ channel: AgentChannel; run: CommandRun }>();
  const broker = await startBroker(t, { onCommand: async (channel, run) => got.resolve({ channel, run }) });
  const client = await connect(broker);
  await client.hello();
  client.send(RUN);
  const { channel, run } = await got.promise;
  t.same(run, RUN);
  t.same(channel.identity, IDENTITY);
  t.equal(channel.cancelled.aborted, false);
});

t.test('accept, output and exit reach the agent in order, then a normal close', async (t) => {
  const broker = await startBroker(t, {
    onCommand: async (channel) => {
      channel.accept('req_1', false);
      await channel.write('stdout', Buffer.from('{"Buckets": []}\n'));
      await channel.write('stderr', Buffer.from('warning\n'));
      channel.exit('req_1', 254, 'exited');
    },
  });
  const client = await connect(broker);
  await client.hello();
  client.send(RUN);
  const frames: Frame[] = [];
  for (let f = await client.next(); f.kind !== 'closed'; f = await client.next()) frames.push(f);
  t.same(frames, [
    { kind: 'message', message: { type: 'command.accepted', requestId: 'req_1', stdin: false } },
    { kind: 'data', stream: 'stdout', payload: Buffer.from('{"Buckets": []}\n') },
    { kind: 'data', stream: 'stderr', payload: Buffer.from('warning\n') },
    { kind: 'message', message: { type: 'command.exit', requestId: 'req_1', exitCode: 254, reason: 'exited' } },
  ]);
  t.equal((await client.closed).code, CLOSE_CODES.normal);
});

t.test('a gateway error reaches the agent with its request id and closes with 4002', async (t) => {
  const broker = await startBroker(t, { onCommand: async (channel) => channel.error('POLICY_DENIED', 'denied by rule r1', 'req_9') });
  const client = await connect(broker);
  await client.hello();
  client.send(RUN);
  t.same(await client.next(), { kind: 'message', message: { type: 'error', code: 'POLICY_DENIED', message: 'denied by rule r1', requestId: 'req_9' } });
  t.equal((await client.closed).code, CLOSE_CODES.gatewayError);
});

t.test('a handler that throws becomes BROKER_INTERNAL for the agent, and the broker lives on', async (t) => {
  const broker = await startBroker(t, { onCommand: async () => { throw new Error('bug in a flow'); } });
  const client = await connect(broker);
  await client.hello();
  client.send(RUN);
  await refused(t, client, 'BROKER_INTERNAL', CLOSE_CODES.gatewayError);
  const next = await connect(broker);
  t.match(await next.hello(), { kind: 'message', message: { type: 'hello' } });
});
