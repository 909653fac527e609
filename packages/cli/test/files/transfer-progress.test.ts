// startProgress with a fake stderr and an injected clock: silent for small files and off a TTY; above 5 MiB it
// draws at once, redraws at most every 250 ms, names the file and percentage, and clears its line when done.
import t from 'tap';
import { PROGRESS_THRESHOLD_BYTES, startProgress } from '../../src/files/transfer-progress.js';

const MiB = 1024 * 1024;

const fakeStderr = () => {
  const writes: string[] = [];
  const stream = { write: (chunk: string | Uint8Array) => (writes.push(String(chunk)), true) } as unknown as NodeJS.WritableStream;
  return { stream, writes };
};

const setup = (opts: { total: number; isTTY?: boolean; name?: string; verb?: 'uploading' | 'downloading' }) => {
  const err = fakeStderr();
  let clock = 1_000;
  const progress = startProgress({
    stderr: err.stream,
    isTTY: opts.isTTY ?? true,
    verb: opts.verb ?? 'downloading',
    name: opts.name ?? 'big.bin',
    total: opts.total,
    now: () => clock,
  });
  return { progress, writes: err.writes, tick: (ms: number) => void (clock += ms) };
};

t.test('the threshold is 5 MiB', async (t) => {
  t.equal(PROGRESS_THRESHOLD_BYTES, 5 * MiB);
});

t.test('silent at or below 5 MiB, even on a TTY', async (t) => {
  for (const total of [0, 1, 5 * MiB - 1, 5 * MiB]) {
    const { progress, writes, tick } = setup({ total });
    progress.advance(total);
    tick(1_000);
    progress.advance(0);
    progress.done();
    t.same(writes, [], `${total} bytes: nothing written`);
  }
});

t.test('silent when stderr is not a TTY, however large the file', async (t) => {
  const { progress, writes, tick } = setup({ total: 100 * MiB, isTTY: false });
  for (let i = 0; i < 10; i++) {
    tick(1_000);
    progress.advance(10 * MiB);
  }
  progress.done();
  t.same(writes, []);
});

t.test('above 5 MiB on a TTY: a first line at once, naming the file and the percentage', async (t) => {
  const { writes } = setup({ total: 5 * MiB + 1, name: 'dir/out.bin', verb: 'uploading' });
  t.equal(writes.length, 1, 'drawn at start');
  const line = writes[0]!;
  t.ok(line.startsWith('\r\x1b[2K'), 'the line is redrawn in place (carriage return, clear line)');
  t.match(line, /aws-guard: uploading dir\/out\.bin /, 'names the verb and the file');
  t.match(line, /\(0%\)$/, 'starts at 0%');
  t.notMatch(line, /\n/, 'never a newline: the line stays one line');
});

t.test('redraws are throttled to one per 250 ms', async (t) => {
  const { progress, writes, tick } = setup({ total: 100 * MiB });
  t.equal(writes.length, 1);
  progress.advance(10 * MiB);
  tick(100);
  progress.advance(10 * MiB);
  tick(149);
  progress.advance(5 * MiB);
  t.equal(writes.length, 1, 'no redraw within 249 ms of the last');
  tick(1);
  progress.advance(0);
  t.equal(writes.length, 2, 'a redraw at 250 ms');
  t.match(writes[1], /\(25%\)$/, 'with the bytes so far: 25 of 100 MiB');
  t.match(writes[1], /25 MiB \/ 100 MiB/, 'and the sizes');
  tick(249);
  progress.advance(25 * MiB);
  t.equal(writes.length, 2, 'the next redraw waits 250 ms from the last draw, not from the start');
  tick(1);
  progress.advance(25 * MiB);
  t.equal(writes.length, 3);
  t.match(writes[2], /downloading big\.bin .*\(75%\)$/);
});

t.test('done clears the line and draws nothing more', async (t) => {
  const { progress, writes, tick } = setup({ total: 10 * MiB });
  tick(300);
  progress.advance(10 * MiB);
  t.match(writes.at(-1), /\(100%\)$/);
  const before = writes.length;
  progress.done();
  t.equal(writes.length, before + 1);
  t.equal(writes.at(-1), '\r\x1b[2K', 'carriage return and clear line, no text');
});

t.test('the percentage is rounded down: 99.9% is not shown as done', async (t) => {
  const { progress, writes, tick } = setup({ total: 1000 * MiB });
  tick(250);
  progress.advance(999 * MiB);
  t.match(writes.at(-1), /\(99%\)$/);
});
