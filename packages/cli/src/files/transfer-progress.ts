// Progress of one file transfer on stderr, for a person at a terminal: only above 5 MiB and only on a TTY,
// because agents read stderr as text and a redrawn line would be noise in their transcript.
import { formatBytes } from '@aws-guard/shared/format-bytes';

export const PROGRESS_THRESHOLD_BYTES = 5 * 1024 * 1024;
const REDRAW_MS = 250;

export type TransferProgress = Readonly<{ advance: (bytes: number) => void; done: () => void }>;

const silent: TransferProgress = Object.freeze({ advance: () => undefined, done: () => undefined });

export const startProgress = (input: {
  stderr: NodeJS.WritableStream;
  isTTY: boolean;
  verb: 'uploading' | 'downloading';
  name: string;
  total: number;
  now?: () => number;
}): TransferProgress => {
  if (!input.isTTY || input.total <= PROGRESS_THRESHOLD_BYTES) return silent;
  const now = input.now ?? Date.now;
  let bytes = 0;
  let drawnAt = -Infinity;
  const draw = () => {
    drawnAt = now();
    const pct = Math.floor((bytes / input.total) * 100);
    input.stderr.write(`\r\x1b[2Kaws-guard: ${input.verb} ${input.name} ${formatBytes(bytes)} / ${formatBytes(input.total)} (${pct}%)`);
  };
  draw();
  return Object.freeze({
    advance: (n: number) => {
      bytes += n;
      if (now() - drawnAt >= REDRAW_MS) draw();
    },
    done: () => {
      input.stderr.write('\r\x1b[2K');
    },
  });
};
