import t from 'tap';
import { CHANNELS, encodeDataFrame, encodeDataFrames, streamOfChannel } from '@aws-guard/shared/protocol/data-frame';

const streams = ['stdin', 'stdout', 'stderr', 'upload', 'download'] as const;

t.test('the five streams have distinct channel bytes that map back to them', async (t) => {
  t.equal(new Set(streams.map((s) => CHANNELS[s])).size, 5);
  for (const stream of streams) t.equal(streamOfChannel(CHANNELS[stream]), stream, stream);
  t.ok(Object.isFrozen(CHANNELS));
});

t.test('channels nobody assigned map to no stream', async (t) => {
  for (const channel of [5, 6, 127, 255, -1, undefined]) t.equal(streamOfChannel(channel), undefined, String(channel));
});

t.test('a data frame is the channel byte followed by the payload, byte for byte', async (t) => {
  const payload = Uint8Array.from([0, 1, 2, 253, 254, 255]);
  for (const stream of streams) {
    const frame = encodeDataFrame(stream, payload);
    t.equal(frame.length, payload.length + 1, `${stream}: one header byte`);
    t.equal(frame[0], CHANNELS[stream], `${stream}: header`);
    t.same([...frame.subarray(1)], [...payload], `${stream}: payload`);
  }
});

t.test('encoding copies the payload, so reusing the source buffer does not change a sent frame', async (t) => {
  const source = Buffer.from('abc');
  const frame = encodeDataFrame('stdout', source);
  source.fill(0);
  t.equal(frame.subarray(1).toString(), 'abc');
});

const splits: Array<[string, number, number, number[]]> = [
  ['an empty chunk gives no frames', 0, 4, []],
  ['a chunk smaller than max gives one frame', 3, 4, [3]],
  ['a chunk of exactly max gives one frame', 4, 4, [4]],
  ['a chunk of max + 1 gives two frames', 5, 4, [4, 1]],
  ['a chunk of 2.5 × max gives three frames', 10, 4, [4, 4, 2]],
  ['max 1 gives one frame per byte', 3, 1, [1, 1, 1]],
];

t.test('encodeDataFrames splits a chunk into frames of at most max payload bytes, in order', async (t) => {
  for (const [name, size, max, expected] of splits) {
    const chunk = Buffer.from(Array.from({ length: size }, (_, i) => i % 256));
    const frames = encodeDataFrames('stderr', chunk, max);
    t.same(frames.map((f) => f.length - 1), expected, name);
    t.ok(frames.every((f) => f[0] === CHANNELS.stderr), `${name}: every frame on stderr`);
    t.same(Buffer.concat(frames.map((f) => f.subarray(1))), chunk, `${name}: payloads join to the chunk`);
  }
});
