// The CLI's stdout and stderr, each through its own masker, on their way to a writer that may apply backpressure;
// the writer sees only masked bytes, in order, and the counts add up both streams.
import { createStreamMasker, type StreamMaskerOptions } from './stream-masker.js';
import { createPatternLines } from './pattern-lines.js';
import type { LeafPattern } from './find-leaf-secrets.js';

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

export type MaskStreamsOptions = StreamMaskerOptions &
  Readonly<{
    /** The policy's own patterns for a streamed command (pattern-lines.ts), after the detectors, on both streams. */
    patterns?: readonly LeafPattern[];
    /** Patterns for stdout only: a command whose whole stdout is a secret (`ecr get-login-password`). */
    stdoutPatterns?: readonly LeafPattern[];
  }>;

export const maskStreams = (write: OutputSink, options: MaskStreamsOptions = {}): MaskedStreams => {
  const detectors = { stdout: createStreamMasker(options), stderr: createStreamMasker(options) };
  const lines = (patterns: readonly LeafPattern[]) => (patterns.length === 0 ? undefined : createPatternLines(patterns));
  const policy = { stdout: lines([...(options.patterns ?? []), ...(options.stdoutPatterns ?? [])]), stderr: lines(options.patterns ?? []) };
  const then = (stream: OutputStream, pieces: Buffer[]): Buffer[] => {
    const filter = policy[stream];
    return filter === undefined ? pieces : pieces.flatMap((piece) => filter.push(piece));
  };
  const maskers = {
    stdout: { push: (c: Buffer) => then('stdout', detectors.stdout.push(c)), end: () => [...then('stdout', detectors.stdout.end()), ...(policy.stdout?.end() ?? [])] },
    stderr: { push: (c: Buffer) => then('stderr', detectors.stderr.push(c)), end: () => [...then('stderr', detectors.stderr.end()), ...(policy.stderr?.end() ?? [])] },
  };
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
      for (const counted of [detectors.stdout, detectors.stderr, ...[policy.stdout, policy.stderr].filter((f) => f !== undefined)])
        for (const [kind, n] of Object.entries(counted.counts())) total[kind] = (total[kind] ?? 0) + (n ?? 0);
      return total;
    },
  });
};
