// Binary frames carry stream bytes: one channel byte, then the payload. No JSON, no base64.
import type { FlowStream } from './messages.js';

/** upload: a local file's bytes, shim → broker; download: a file the CLI wrote, broker → shim. */
export const CHANNELS = Object.freeze({ stdin: 0, stdout: 1, stderr: 2, upload: 3, download: 4 } as const);
const STREAM_BY_CHANNEL: readonly FlowStream[] = ['stdin', 'stdout', 'stderr', 'upload', 'download'];

export type DataFrame = Readonly<{ stream: FlowStream; payload: Buffer }>;

export const encodeDataFrame = (stream: FlowStream, payload: Uint8Array): Buffer => {
  const frame = Buffer.allocUnsafe(payload.length + 1);
  frame[0] = CHANNELS[stream];
  frame.set(payload, 1);
  return frame;
};

/** Splits a chunk into frames no larger than `max` payload bytes. */
export const encodeDataFrames = (stream: FlowStream, chunk: Uint8Array, max: number): Buffer[] => {
  const frames: Buffer[] = [];
  for (let at = 0; at < chunk.length; at += max) frames.push(encodeDataFrame(stream, chunk.subarray(at, at + max)));
  return frames;
};

export const streamOfChannel = (channel: number | undefined): FlowStream | undefined =>
  channel === undefined ? undefined : STREAM_BY_CHANNEL[channel];
