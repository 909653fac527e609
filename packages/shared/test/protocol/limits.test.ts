import t from 'tap';
import { decodeClientFrame, encodeMessage } from '@aws-guard/shared/protocol/codec';
import {
  CLOSE_CODES,
  FLOW_WINDOW_BYTES,
  MAX_DATA_CHUNK_BYTES,
  MAX_TEXT_FRAME_BYTES,
  MAX_WS_PAYLOAD_BYTES,
} from '@aws-guard/shared/protocol/limits';

t.test('the WebSocket cap is above both frame caps, so the codec can answer an oversize frame', async (t) => {
  t.ok(MAX_WS_PAYLOAD_BYTES > MAX_TEXT_FRAME_BYTES, 'text frames');
  t.ok(MAX_WS_PAYLOAD_BYTES > MAX_DATA_CHUNK_BYTES + 1, 'data frames with their channel byte');
});

t.test('one full data chunk fits in a flow window, so a sender can always make progress', async (t) => {
  t.ok(FLOW_WINDOW_BYTES >= MAX_DATA_CHUNK_BYTES);
});

t.test('a command.run with the largest argument the schema allows fits in one text frame', async (t) => {
  const message = { type: 'command.run' as const, argv: ['s3api', 'put-object', '--body', 'x'.repeat(256 * 1024)], env: {}, terminal: {} };
  const frame = Buffer.from(encodeMessage(message));
  t.ok(frame.length <= MAX_TEXT_FRAME_BYTES, `${frame.length} bytes`);
  t.equal(decodeClientFrame(frame, false).ok, true);
});

t.test('close codes are the RFC 6455 ones and application codes stay in 4000-4999', async (t) => {
  t.equal(CLOSE_CODES.normal, 1000);
  t.equal(CLOSE_CODES.protocolError, 1002);
  t.equal(CLOSE_CODES.tooLarge, 1009);
  for (const code of [CLOSE_CODES.unsupportedVersion, CLOSE_CODES.gatewayError]) t.ok(code >= 4000 && code <= 4999, String(code));
  t.equal(new Set(Object.values(CLOSE_CODES)).size, Object.values(CLOSE_CODES).length, 'no code is reused');
  t.ok(Object.isFrozen(CLOSE_CODES));
});
