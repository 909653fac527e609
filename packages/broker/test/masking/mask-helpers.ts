// Helpers for the masking tests: run a masker over chunks, split text into chunks, a seeded random source.
import { createStreamMasker, type MaskCounts, type StreamMaskerOptions } from '@aws-guard/broker/masking/stream-masker';

export type Masked = Readonly<{ out: Buffer; counts: MaskCounts; releases: readonly Buffer[][] }>;

/** Feeds the chunks in order, then ends the stream; `releases[i]` is what push i gave back (the last: end). */
export const maskChunks = (chunks: readonly Buffer[], options: StreamMaskerOptions = {}): Masked => {
  const masker = createStreamMasker(options);
  const releases = [...chunks.map((c) => masker.push(c)), masker.end()];
  return { out: Buffer.concat(releases.flat()), counts: masker.counts(), releases };
};

export const maskString = (text: string | Buffer, options: StreamMaskerOptions = {}): Masked =>
  maskChunks([Buffer.isBuffer(text) ? text : Buffer.from(text)], options);

/** The seedable generator the parser's corpus uses: a failure can be replayed from its seed. */
export { seededRandom } from '../../../shared/test/helpers/argv-corpus.js';

/** Cuts `data` at random offsets into 2..maxChunks pieces (some possibly one byte). */
export const randomSplit = (data: Buffer, random: () => number, maxChunks: number): Buffer[] => {
  const n = 2 + Math.floor(random() * (maxChunks - 1));
  const cuts = Array.from({ length: n - 1 }, () => Math.floor(random() * (data.length + 1))).sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let at = 0;
  for (const c of [...cuts, data.length]) {
    chunks.push(data.subarray(at, c));
    at = c;
  }
  return chunks;
};
