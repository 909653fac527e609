import t from 'tap';
import { decodeClientFrame, decodeServerFrame, encodeMessage } from '@aws-guard/shared/protocol/codec';
import { CHANNELS, encodeDataFrame } from '@aws-guard/shared/protocol/data-frame';
import { MAX_DATA_CHUNK_BYTES, MAX_TEXT_FRAME_BYTES } from '@aws-guard/shared/protocol/limits';
import type { ClientMessage, ServerMessage } from '@aws-guard/shared/protocol/messages';

const text = (s: string) => Buffer.from(s, 'utf8');

const clientMessages: ClientMessage[] = [
  { type: 'hello', protocol: { min: 1, max: 3 }, client: { name: 'shim', version: '0.1.0' } },
  { type: 'command.run', argv: ['s3', 'cp', '-', 's3://b/k'], env: { AWS_DEFAULT_OUTPUT: 'text' }, terminal: { columns: 80 } },
  { type: 'command.stdin-end' },
  { type: 'command.cancel', reason: 'signal', signal: 'SIGTERM' },
  { type: 'flow.ack', stream: 'stderr', bytes: 12 },
];
const serverMessages: ServerMessage[] = [
  { type: 'hello', protocol: 1, broker: { version: '0.1.0' }, cli: { version: '2.9.19', major: 2, versionText: 'aws-cli/2.9.19' } },
  { type: 'command.accepted', requestId: 'req_1', stdin: true },
  { type: 'command.exit', requestId: 'req_1', exitCode: 254, reason: 'exited' },
  { type: 'error', code: 'POLICY_DENIED', message: 'no', requestId: 'req_1' },
  { type: 'flow.ack', stream: 'stdin', bytes: 4096 },
];

t.test('every client message survives encode then decode', async (t) => {
  for (const message of clientMessages) {
    t.same(decodeClientFrame(text(encodeMessage(message)), false), { ok: true, value: { kind: 'message', message } }, message.type);
  }
});

t.test('every server message survives encode then decode', async (t) => {
  for (const message of serverMessages) {
    t.same(decodeServerFrame(text(encodeMessage(message)), false), { ok: true, value: { kind: 'message', message } }, message.type);
  }
});

t.test('each side refuses the messages only the other side sends', async (t) => {
  for (const message of serverMessages.filter((m) => m.type !== 'flow.ack'))
    t.equal(decodeClientFrame(text(encodeMessage(message)), false).ok, false, `client frame ${message.type}`);
  for (const message of clientMessages.filter((m) => m.type !== 'flow.ack'))
    t.equal(decodeServerFrame(text(encodeMessage(message)), false).ok, false, `server frame ${message.type}`);
});

const badText: Array<[string, string, RegExp]> = [
  ['an empty frame', '', /not valid JSON/],
  ['truncated JSON', '{"type":"hello"', /not valid JSON/],
  ['JSON with a trailing comma', '{"type":"command.stdin-end",}', /not valid JSON/],
  ['a bare word', 'hello', /not valid JSON/],
  ['an unknown type', '{"type":"command.explode"}', /type/],
  ['a known type with an extra field', '{"type":"command.stdin-end","x":1}', /Unrecognized key/],
  ['a JSON number', '42', /\(root\)/],
  ['JSON null', 'null', /\(root\)/],
  ['a flow.ack with a bad stream and bad bytes', '{"type":"flow.ack","stream":"x","bytes":-1}', /stream.*bytes|bytes.*stream/],
];

t.test('malformed text frames are values with FRAME_MALFORMED and say where', async (t) => {
  for (const [name, frame, where] of badText) {
    const decoded = decodeClientFrame(text(frame), false);
    t.equal(decoded.ok, false, name);
    if (!decoded.ok) {
      t.equal(decoded.issue.code, 'FRAME_MALFORMED', `${name}: code`);
      t.match(decoded.issue.message, where, `${name}: message`);
    }
  }
});

t.test('an invalid message reports at most three problems', async (t) => {
  const decoded = decodeClientFrame(text('{"type":"command.run","argv":[1,2,3,4,5],"env":{},"terminal":{}}'), false);
  t.equal(decoded.ok, false);
  if (!decoded.ok) t.equal(decoded.issue.message.split(';').length, 3);
});

// Whitespace after a JSON value is valid JSON: it pads a real message to an exact size.
const padded = (bytes: number) => {
  const body = '{"type":"command.stdin-end"}';
  return text(body + ' '.repeat(bytes - body.length));
};

t.test('a text frame of exactly the cap decodes; one byte more is FRAME_TOO_LARGE', async (t) => {
  t.equal(decodeClientFrame(padded(MAX_TEXT_FRAME_BYTES), false).ok, true);
  for (const decode of [decodeClientFrame, decodeServerFrame]) {
    const decoded = decode(padded(MAX_TEXT_FRAME_BYTES + 1), false);
    t.equal(decoded.ok ? 'ok' : decoded.issue.code, 'FRAME_TOO_LARGE');
  }
});

t.test('the text cap counts bytes, not characters', async (t) => {
  // 3-byte characters: fewer characters than the cap, more bytes.
  const euro = '€'.repeat(Math.ceil(MAX_TEXT_FRAME_BYTES / 3));
  const frame = text(JSON.stringify({ type: 'error', code: 'X', message: euro }));
  t.ok(euro.length < MAX_TEXT_FRAME_BYTES);
  const decoded = decodeServerFrame(frame, false);
  t.equal(decoded.ok ? 'ok' : decoded.issue.code, 'FRAME_TOO_LARGE');
});

t.test('binary frames decode to the stream of their channel byte and the rest as payload', async (t) => {
  for (const stream of ['stdin', 'stdout', 'stderr'] as const) {
    const payload = Buffer.from(`bytes of ${stream}\u0000\u00ff`, 'latin1');
    const decoded = decodeClientFrame(Buffer.concat([Buffer.from([CHANNELS[stream]]), payload]), true);
    t.ok(decoded.ok && decoded.value.kind === 'data', stream);
    if (decoded.ok && decoded.value.kind === 'data') {
      t.equal(decoded.value.frame.stream, stream);
      t.same(decoded.value.frame.payload, payload);
    }
  }
});

t.test('a binary frame with only a channel byte carries an empty payload', async (t) => {
  const decoded = decodeServerFrame(encodeDataFrame('stdout', new Uint8Array(0)), true);
  t.ok(decoded.ok && decoded.value.kind === 'data' && decoded.value.frame.payload.length === 0);
});

t.test('binary frames on unknown channels are FRAME_UNKNOWN_CHANNEL', async (t) => {
  const frames: Array<[string, Buffer]> = [
    ['channel 5', Buffer.from([5, 1, 2])],
    ['channel 255', Buffer.from([255])],
    ['an empty binary frame (no channel byte)', Buffer.alloc(0)],
  ];
  for (const [name, frame] of frames) {
    const decoded = decodeClientFrame(frame, true);
    t.equal(decoded.ok ? 'ok' : decoded.issue.code, 'FRAME_UNKNOWN_CHANNEL', name);
  }
});

t.test('a data payload of exactly the chunk cap decodes; one byte more is FRAME_TOO_LARGE', async (t) => {
  t.equal(decodeClientFrame(encodeDataFrame('stdin', Buffer.alloc(MAX_DATA_CHUNK_BYTES)), true).ok, true);
  const decoded = decodeClientFrame(encodeDataFrame('stdin', Buffer.alloc(MAX_DATA_CHUNK_BYTES + 1)), true);
  t.equal(decoded.ok ? 'ok' : decoded.issue.code, 'FRAME_TOO_LARGE');
});

t.test('a text frame that happens to look like JSON is never read as data, nor binary as JSON', async (t) => {
  const json = text(encodeMessage({ type: 'command.stdin-end' }));
  const asBinary = decodeClientFrame(json, true);
  t.equal(asBinary.ok ? 'ok' : asBinary.issue.code, 'FRAME_UNKNOWN_CHANNEL', '"{" is not a channel');
  const asText = decodeClientFrame(encodeDataFrame('stdout', text('{}')), false);
  t.equal(asText.ok, false);
});

t.test('the decoders never throw, whatever the bytes', async (t) => {
  const frames = [Buffer.from([0xff, 0xfe, 0x00]), text('{"type":'.repeat(1000)), text('[[[[[[[[[[]]]]]]]]]]'), text('"\\ud800"')];
  for (const frame of frames)
    for (const isBinary of [true, false]) {
      t.doesNotThrow(() => decodeClientFrame(frame, isBinary));
      t.doesNotThrow(() => decodeServerFrame(frame, isBinary));
    }
});
