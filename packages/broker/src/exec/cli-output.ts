// What both executors (spawned CLI, warm fork) share about a running CLI: killing its whole process group, and
// pumping its output into the sink in order, with backpressure and the output limit.
import type { Readable } from 'node:stream';
import type { OutputSink, OutputStream, StopReason } from './run-aws-cli.js';

export const killGroup = (pid: number | undefined, signal: NodeJS.Signals): void => {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch (e) {
    // ESRCH: the group is already gone, which is what we wanted.
    if ((e as NodeJS.ErrnoException).code !== 'ESRCH') throw e;
  }
};

export type OutputPump = Readonly<{
  /** Bytes read per stream so far (counted even after the limit, for the audit). */
  bytes: Readonly<Record<OutputStream, number>>;
  /** Resolves when the stream closed and every chunk it gave has been through the sink. */
  pump: (name: OutputStream, stream: Readable) => Promise<void>;
}>;

export const createOutputPump = (sink: OutputSink, maxOutputBytes: number, stop: (reason: StopReason) => void): OutputPump => {
  const bytes = { stdout: 0, stderr: 0 };
  // Chunks go to the sink strictly one after another per stream. The stream is paused while the sink is busy,
  // but Node may resume it behind our back (when the child exits), so chunks are chained, never overlapped.
  const pump = (name: OutputStream, stream: Readable): Promise<void> => {
    let chain: Promise<void> = Promise.resolve();
    let busy = 0;
    let discarding = false;
    stream.on('data', (chunk: Buffer) => {
      bytes[name] += chunk.length;
      if (discarding) return;
      if (bytes.stdout + bytes.stderr > maxOutputBytes) {
        discarding = true;
        return stop('output-limit');
      }
      busy++;
      stream.pause();
      chain = chain
        .then(() => sink(name, chunk))
        .then(
          () => {
            if (--busy === 0) stream.resume();
          },
          () => {
            // The receiver is gone: stop the CLI and close our end of its pipe, so its writes fail too.
            discarding = true;
            stop('cancelled');
            stream.destroy();
          },
        );
    });
    const ended = new Promise<void>((resolve) => {
      stream.once('close', resolve);
      stream.once('error', () => resolve());
    });
    return ended.then(() => chain);
  };
  return { bytes, pump };
};
