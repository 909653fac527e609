// The CLI's stdout and stderr, each through its own masker, on their way to a writer that may apply backpressure;
// the writer sees only masked bytes, in order, and the counts add up both streams.
import { createStreamMasker, type StreamMaskerOptions } from './stream-masker.js';

type OutputStream = 'stdout' | 'stderr';
/** The shape of exec/run-aws-cli's sink (kept here: leaves do not import each other). */
type OutputSink = (stream: OutputStream, chunk: Buffer) => void | Promise<void>;

export type MaskedStreams = Readonly<{
  /** The sink to hand to runAwsCli. */
  sink: OutputSink;
  /** The CLI is done: releases what the maskers still hold. */
  end: () => Promise<void>;
  /** Values masked so far, by kind, over both streams. */
  counts: () => Record<string, number>;
}>;

export const maskStreams = (write: OutputSink, options: StreamMaskerOptions = {}): MaskedStreams => {
  const maskers = { stdout: createStreamMasker(options), stderr: createStreamMasker(options) };
  const send = (stream: OutputStream, pieces: readonly Buffer[]): void | Promise<void> => {
    let pending: Promise<void> | undefined;
    for (const piece of pieces) {
      if (pending === undefined) pending = write(stream, piece) ?? undefined;
      else pending = pending.then(() => write(stream, piece));
    }
    return pending;
  };
  return Object.freeze({
    sink: (stream: OutputStream, chunk: Buffer) => send(stream, maskers[stream].push(chunk)),
    end: async () => {
      await send('stdout', maskers.stdout.end());
      await send('stderr', maskers.stderr.end());
    },
    counts: () => {
      const total: Record<string, number> = {};
      for (const masker of [maskers.stdout, maskers.stderr])
        for (const [kind, n] of Object.entries(masker.counts())) total[kind] = (total[kind] ?? 0) + (n ?? 0);
      return total;
    },
  });
};
