import t from 'tap';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runReplay, INTERRUPTED_EXIT } from '../src/commands/replay-run.js';
import { parseCast, scheduleFrames, stripUnsafeSequences } from '../src/commands/replay-frames.js';

const header = '{"version":2,"width":80,"height":24,"timestamp":1700000000,"title":"claude for alice","env":{"TERM":"xterm-256color","SHELL":"/bin/sh"}}';
/** Pauses of 0.5 s, 3 s (with an approval marker inside it) and 10 s between outputs. */
const cast = [
  header,
  '[0,"o","$ aws s3 ls\\r\\n"]',
  '[0.5,"o","bucket-a\\r\\n"]',
  '[1.5,"m","approval: waiting for 1 approver"]',
  '[3.5,"o","bucket-b\\r\\n"]',
  '[13.5,"o","$ aws sts get-caller-identity\\r\\n"]',
  '',
].join('\n');

const io = () => {
  const log: string[] = [];
  const stdout = { write: (s: string) => (log.push(`write ${JSON.stringify(s)}`), true) } as unknown as NodeJS.WritableStream;
  return { streams: { env: {}, stdout, stderr: stdout }, log };
};

/** Records each wait in the same log as the writes, so order and delays are checked together; never waits. */
const fakeSleep = (log: string[]) => async (ms: number) => void log.push(`sleep ${ms}`);

const dataDirWith = async (dir: string, name: string, text: string) => {
  await mkdir(join(dir, 'sessions'), { recursive: true });
  await writeFile(join(dir, 'sessions', name), text);
  return dir;
};

t.test('plays output in order with the recorded pauses, scaled by --speed and capped by --idle-limit', async (t) => {
  const writes = ['"$ aws s3 ls\\r\\n"', '"bucket-a\\r\\n"', '"bucket-b\\r\\n"', '"$ aws sts get-caller-identity\\r\\n"'].map((s) => `write ${s}`);
  const cases: [string, { speed?: string; idleLimit?: string }, number[]][] = [
    ['real time', {}, [500, 3000, 10_000]],
    ['--speed 2 halves every pause', { speed: '2' }, [250, 1500, 5000]],
    ['--idle-limit 1 caps every pause at 1 s', { idleLimit: '1' }, [500, 1000, 1000]],
    ['both: capped first, then scaled', { speed: '4', idleLimit: '2' }, [125, 500, 500]],
    ['--speed 0.5 doubles', { speed: '0.5' }, [1000, 6000, 20_000]],
  ];
  for (const [name, opts, delays] of cases) {
    const dir = await dataDirWith(t.testdir(), 'ses_1.cast', cast);
    const run = io();
    t.equal(await runReplay('ses_1', { dataDir: dir, ...opts }, run.streams, { sleep: fakeSleep(run.log), signal: new AbortController().signal }), 0, name);
    t.same(run.log, [writes[0], `sleep ${delays[0]}`, writes[1], `sleep ${delays[1]}`, writes[2], `sleep ${delays[2]}`, writes[3]], name);
  }
});

t.test('Ctrl-C stops the replay at the next wait and leaves the terminal reset', async (t) => {
  const path = join(await dataDirWith(t.testdir(), 'x.cast', cast), 'sessions', 'x.cast');
  const run = io();
  const stop = new AbortController();
  let waits = 0;
  const sleep = async (ms: number) => {
    run.log.push(`sleep ${ms}`);
    if (++waits === 2) stop.abort();
  };
  t.equal(await runReplay(path, {}, run.streams, { sleep, signal: stop.signal }), INTERRUPTED_EXIT);
  t.same(run.log, ['write "$ aws s3 ls\\r\\n"', 'sleep 500', 'write "bucket-a\\r\\n"', 'sleep 3000', `write ${JSON.stringify('\u001b[0m\u001b[?25h\r\n')}`]);
});

t.test('bad options and bad or missing recordings are errors that name the problem', async (t) => {
  const dir = await dataDirWith(t.testdir(), 'bad.cast', `${header}\n[1,"o"]\n`);
  const quiet = { sleep: async () => undefined, signal: new AbortController().signal };
  const cases: [string, Parameters<typeof runReplay>[1], RegExp, string, number][] = [
    ['bad', { dataDir: dir, speed: '0' }, /--speed must be a positive number, not 0/, 'REPLAY_USAGE', 2],
    ['bad', { dataDir: dir, speed: 'fast' }, /--speed must be a positive number/, 'REPLAY_USAGE', 2],
    ['bad', { dataDir: dir, idleLimit: '-1' }, /--idle-limit must be a positive number/, 'REPLAY_USAGE', 2],
    ['bad', { dataDir: dir }, /bad\.cast: line 2 is not an asciicast v2 event/, 'REPLAY_BAD_RECORDING', 1],
    ['ses_missing', { dataDir: dir }, /no recording of session ses_missing at .*ses_missing\.cast/, 'REPLAY_NOT_FOUND', 1],
  ];
  for (const [session, opts, message, code, exitCode] of cases) {
    await t.rejects(runReplay(session, opts, io().streams, quiet), { code, exitCode, message }, `${session} ${JSON.stringify(opts)}`);
  }
});

t.test('parseCast accepts only asciicast v2', async (t) => {
  const cases: [string, boolean][] = [
    [cast, true],
    [`${header}\n`, true],
    ['{"version":1,"width":80,"height":24}\n', false],
    ['[0,"o","no header"]\n', false],
    [`${header}\n[-1,"o","x"]\n`, false],
    [`${header}\nnot json\n`, false],
  ];
  for (const [text, valid] of cases) t.equal(parseCast(text).ok, valid, text.slice(0, 40));
});

t.test('pauses are measured between outputs: a marker does not split one', async (t) => {
  const events = [{ time: 0, code: 'o', data: 'a' }, { time: 5, code: 'm', data: 'approval' }, { time: 9, code: 'o', data: 'b' }];
  t.same(scheduleFrames(events, { speed: 1, idleLimitSeconds: 2 }), [{ delayMs: 0, text: 'a' }, { delayMs: 2000, text: 'b' }]);
});

t.test('escape sequences that act on the viewer\'s terminal are removed, colours kept', async (t) => {
  const cases: [string, string][] = [
    ['\u001b[31mred\u001b[0m', '\u001b[31mred\u001b[0m'],
    ['a\u001b]52;c;ZXZpbA==\u0007b', 'ab'],
    ['a\u001b]0;title\u001b\\b', 'ab'],
    ['a\u001bPq#0;2;0;0;0\u001b\\b', 'ab'],
    ['a\u009b31mb', 'a31mb'], // an 8-bit CSI is defused: its parameters are left as text
    ['café ✓', 'café ✓'],
  ];
  for (const [input, shown] of cases) t.equal(stripUnsafeSequences(input), shown, JSON.stringify(input));
});
