import t, { type Test } from 'tap';
import { createHash } from 'node:crypto';
import { appendFile, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createSessionRecorder, type CommandRecordingContext } from '@aws-guard/broker/recording/session-recorder';

/** A clock that moves only when told to: times in the file are exactly what the test set. */
const manualClock = (startMs = 1_700_000_000_000) => {
  let now = startMs;
  return { clock: () => new Date(now), advance: (ms: number) => void (now += ms), set: (ms: number) => void (now = ms) };
};

const ctx = (over: Partial<CommandRecordingContext> = {}): CommandRecordingContext => ({
  sessionId: 'ses_one', agent: 'claude', human: 'alice', requestId: 'req_1', argv: ['s3', 'ls'], columns: 120, ...over,
});

const readCast = async (path: string) => {
  const text = await readFile(path, 'utf8');
  t.ok(text.endsWith('\n'), 'the file ends with a complete line');
  const [header, ...events] = text.slice(0, -1).split('\n').map((line) => JSON.parse(line) as unknown);
  return { text, header: header as Record<string, unknown>, events: events as [number, string, string][] };
};

const sha256 = (bytes: string | Buffer) => createHash('sha256').update(bytes).digest('hex');

const record = async (t: Test) => {
  const dir = join(t.testdir(), 'sessions');
  const time = manualClock();
  const errors: string[] = [];
  const recorder = createSessionRecorder({ dir, clock: time.clock, onError: (id, issue) => errors.push(`${id}: ${issue.code}`) });
  return { dir, time, errors, recorder, path: join(dir, 'ses_one.cast') };
};

t.test('one command is written as a valid asciicast v2 file, with its timing and an approval marker', async (t) => {
  const { dir, time, recorder, path, errors } = await record(t);
  const cmd = recorder.command(ctx({ argv: ['s3', 'ls', 's3://my bucket'] }));
  time.advance(1500);
  cmd.marker('approval: waiting for 1 approver');
  time.advance(2000);
  cmd.output('stdout', Buffer.from('2025-01-01 bucket-a\n2025-01-01 buc'));
  time.advance(250);
  cmd.output('stdout', Buffer.from('ket-b\n'));
  time.advance(250);
  cmd.output('stderr', Buffer.from('warning: ****(masked: AccessKeyId, 20 chars)\n'));
  const end = await cmd.end(0, 'exited');
  const { text, header, events } = await readCast(path);
  t.same(header, { version: 2, width: 120, height: 24, timestamp: 1_700_000_000, title: 'claude for alice', env: { TERM: 'xterm-256color', SHELL: '/bin/sh' } });
  t.same(events, [
    [0, 'o', "$ aws s3 ls 's3://my bucket'\r\n"],
    [1.5, 'm', 'approval: waiting for 1 approver'],
    [3.5, 'o', '2025-01-01 bucket-a\r\n'],
    [3.75, 'o', '2025-01-01 bucket-b\r\n'],
    [4, 'o', 'warning: ****(masked: AccessKeyId, 20 chars)\r\n'],
  ]);
  t.same(end, { ok: true, value: sha256(text) }, 'end() resolves with the SHA-256 of the file');
  t.same(await recorder.digest('ses_one'), { ok: true, value: sha256(text) });
  t.equal((await stat(path)).mode & 0o777, 0o600);
  t.equal((await stat(dir)).mode & 0o777, 0o700);
  t.same(errors, []);
  await recorder.close();
});

t.test('output without a final newline is completed so the next prompt starts on its own line', async (t) => {
  const { recorder, path } = await record(t);
  const cmd = recorder.command(ctx({ argv: ['sts', 'get-caller-identity', '--query', 'Account', '--output', 'text'] }));
  cmd.output('stdout', Buffer.from('123456789012'));
  await cmd.end(0, 'exited');
  const { events } = await readCast(path);
  t.same(events.map((e) => e[2]), ['$ aws sts get-caller-identity --query Account --output text\r\n', '123456789012', '\r\n']);
});

t.test('output that ends with a newline and then only colour resets is not completed again', async (t) => {
  // `--output table --color on` ends with `\n\u001b[0m`: the cursor is at a line's start, where the shell's prompt
  // then shows; a `\r\n` added there would be a blank line the agent never saw.
  for (const [name, chunks, tail] of [
    ['a reset after the last newline', ['+---+\n\u001b[0m'], ['+---+\r\n', '\u001b[0m']],
    ['a reset in a chunk of its own', ['+---+\n', '\u001b[0m\u001b[39m\u001b[49m'], ['+---+\r\n', '\u001b[0m\u001b[39m\u001b[49m']],
    ['a title (OSC) and a cursor shown', ['done\n\u001b]0;t\u0007\u001b[?25h'], ['done\r\n', '\u001b]0;t\u0007\u001b[?25h']],
    ['text after the reset is still completed', ['a\n\u001b[1mb'], ['a\r\n', '\u001b[1mb', '\r\n']],
    ['text then a reset, no newline: completed', ['x', '\u001b[0m'], ['x\u001b[0m', '\r\n']],
  ] as const) {
    const { recorder, path } = await record(t);
    const cmd = recorder.command(ctx());
    for (const chunk of chunks) cmd.output('stdout', Buffer.from(chunk));
    await cmd.end(0, 'exited');
    t.same((await readCast(path)).events.slice(1).map((e) => e[2]), tail, name);
    await recorder.close();
  }
});

t.test('a UTF-8 character split across chunks is recorded whole', async (t) => {
  const { recorder, path } = await record(t);
  const cmd = recorder.command(ctx());
  const bytes = Buffer.from('café ✓\n');
  cmd.output('stdout', bytes.subarray(0, 4));
  cmd.output('stdout', bytes.subarray(4, 7));
  cmd.output('stdout', bytes.subarray(7));
  await cmd.end(0, 'exited');
  t.same((await readCast(path)).events.slice(1).map((e) => e[2]).join(''), 'café ✓\r\n');
});

t.test('overlapping commands of one session interleave by whole lines, never inside one', async (t) => {
  const { recorder, path, time } = await record(t);
  const a = recorder.command(ctx({ requestId: 'a', argv: ['s3', 'ls'] }));
  const b = recorder.command(ctx({ requestId: 'b', argv: ['ec2', 'describe-regions'] }));
  for (let i = 0; i < 50; i++) {
    time.advance(10);
    a.output('stdout', Buffer.from(`a-line-${i}-first-half `));
    b.output('stdout', Buffer.from(`b-line-${i}-first-half `));
    a.output('stdout', Buffer.from(`a-second-half\n`));
    b.output('stdout', Buffer.from(`b-second-half\n`));
  }
  const [endA, endB] = await Promise.all([a.end(0, 'exited'), b.end(0, 'exited')]);
  const { text, events } = await readCast(path);
  const lines = events.filter((e) => e[1] === 'o').map((e) => e[2]).join('').split('\r\n').filter((l) => l !== '');
  t.equal(lines.length, 102, 'two prompts and 100 output lines');
  t.ok(lines.every((l) => /^(\$ aws .*|([ab])-line-\d+-first-half \2-second-half)$/.test(l)), 'no line mixes the two commands');
  t.same(lines.filter((l) => l.startsWith('a-')), Array.from({ length: 50 }, (_, i) => `a-line-${i}-first-half a-second-half`), 'each command in its own order');
  const times = events.map((e) => e[0]);
  t.same(times, [...times].sort((x, y) => x - y), 'times never decrease');
  t.ok(endA.ok && endB.ok);
  t.same(endB, { ok: true, value: sha256(text) }, 'the later end covers the whole file');
});

t.test('times never go back, even when the clock does', async (t) => {
  const { recorder, path, time } = await record(t);
  const cmd = recorder.command(ctx());
  time.advance(5000);
  cmd.output('stdout', Buffer.from('one\n'));
  time.advance(-3000);
  cmd.output('stdout', Buffer.from('two\n'));
  time.advance(-10_000);
  cmd.output('stdout', Buffer.from('three\n'));
  await cmd.end(0, 'exited');
  t.same((await readCast(path)).events.map((e) => e[0]), [0, 5, 5, 5]);
});

t.test('a later recorder resumes the file: one header, times continue, a torn last line cut off', async (t) => {
  const { dir, time, recorder, path } = await record(t);
  const first = recorder.command(ctx());
  time.advance(2000);
  first.output('stdout', Buffer.from('first\n'));
  await first.end(0, 'exited');
  await recorder.close();
  const before = await readFile(path);
  await appendFile(path, '[2.5,"o","torn');
  const again = createSessionRecorder({ dir, clock: time.clock });
  time.advance(1000);
  const second = again.command(ctx({ requestId: 'req_2', argv: ['s3', 'ls', 's3://b'] }));
  second.output('stdout', Buffer.from('second\n'));
  const end = await second.end(0, 'exited');
  const { text, events } = await readCast(path);
  t.ok(text.startsWith(before.toString('utf8')), 'what was recorded before is kept byte for byte');
  t.same(events, [[0, 'o', '$ aws s3 ls\r\n'], [2, 'o', 'first\r\n'], [3, 'o', '$ aws s3 ls s3://b\r\n'], [3, 'o', 'second\r\n']]);
  t.same(end, { ok: true, value: sha256(text) });
  await again.close();
});

t.test('a session reopened after its last command ended keeps its running digest', async (t) => {
  const { recorder, path } = await record(t);
  for (const requestId of ['r1', 'r2', 'r3']) {
    const cmd = recorder.command(ctx({ requestId }));
    cmd.output('stdout', Buffer.from(`${requestId}\n`));
    const end = await cmd.end(0, 'exited');
    t.same(end, { ok: true, value: sha256(await readFile(path)) }, requestId);
  }
  t.same(await recorder.digest('ses_one'), { ok: true, value: sha256(await readFile(path)) }, 'digest() between commands');
});

t.test('a write failure is reported as a value and to onError, never thrown', async (t) => {
  const root = t.testdir({ 'not-a-dir': 'a file' });
  const issues: string[] = [];
  const recorder = createSessionRecorder({ dir: join(root, 'not-a-dir', 'sessions'), onError: (id, issue) => issues.push(`${id} ${issue.code}`) });
  const cmd = recorder.command(ctx());
  cmd.output('stdout', Buffer.from('lost\n'));
  cmd.marker('approval: waiting');
  const end = await cmd.end(1, 'exited');
  t.match(end, { ok: false, issue: { code: 'RECORDING_WRITE_FAILED', message: /cannot write the session recording .*ses_one\.cast/ } });
  t.same(issues, ['ses_one RECORDING_WRITE_FAILED'], 'reported once');
  t.match(recorder.failure('ses_one'), { code: 'RECORDING_WRITE_FAILED' });
  t.match(await recorder.digest('ses_one'), { ok: false, issue: { code: 'RECORDING_WRITE_FAILED' } });
  t.equal(recorder.failure('ses_other'), undefined);
});

t.test('digest() of a session this process never recorded hashes the file on disk, or says it is missing', async (t) => {
  const dir = t.testdir({ 'ses_old.cast': '{"version":2}\n' });
  const recorder = createSessionRecorder({ dir });
  t.same(await recorder.digest('ses_old'), { ok: true, value: sha256('{"version":2}\n') });
  t.match(await recorder.digest('ses_gone'), { ok: false, issue: { code: 'RECORDING_NOT_FOUND' } });
});

t.test('a file that does not start with an asciicast v2 header is not appended to', async (t) => {
  const dir = t.testdir();
  await writeFile(join(dir, 'ses_one.cast'), 'not a cast\n');
  const recorder = createSessionRecorder({ dir });
  const cmd = recorder.command(ctx());
  t.match(await cmd.end(0, 'exited'), { ok: false, issue: { code: 'RECORDING_WRITE_FAILED' } });
  t.equal(await readFile(join(dir, 'ses_one.cast'), 'utf8'), 'not a cast\n');
});

const until = async (what: () => boolean, ms = 5000): Promise<boolean> => {
  for (const end = Date.now() + ms; !what(); await new Promise((r) => setTimeout(r, 5))) if (Date.now() > end) return false;
  return true;
};

t.test('sessions with no command running are dropped after the idle period, not kept for the broker\'s lifetime', async (t) => {
  const dir = join(t.testdir(), 'sessions');
  const recorder = createSessionRecorder({ dir, idleMs: 50 });
  const ids = Array.from({ length: 200 }, (_, i) => `ses_${i}`);
  const ends = ids.map((sessionId) => {
    const cmd = recorder.command(ctx({ sessionId }));
    cmd.output('stdout', Buffer.from(`${sessionId}\n`));
    return cmd.end(0, 'exited');
  });
  t.equal(recorder.size(), 200, 'one entry per session while its command runs');
  t.ok((await Promise.all(ends)).every((end) => end.ok));
  const held = recorder.command(ctx({ sessionId: 'ses_held' }));
  t.ok(await until(() => recorder.size() === 1), 'every idle session is dropped; the one with a command running is kept');
  await new Promise((r) => setTimeout(r, 150));
  t.equal(recorder.size(), 1, 'a running command keeps its session past the idle period');
  await held.end(0, 'exited');
  t.ok(await until(() => recorder.size() === 0), 'and it goes too once its command ended');
  for (const sessionId of ['ses_0', 'ses_199']) {
    t.same(await recorder.digest(sessionId), { ok: true, value: sha256(await readFile(join(dir, `${sessionId}.cast`))) }, `digest() of dropped ${sessionId} reads the file`);
  }
  await recorder.close();
});

t.test('a session that comes back after being dropped continues its file: one header, times on, digests prefixes', async (t) => {
  const dir = join(t.testdir(), 'sessions');
  const path = join(dir, 'ses_one.cast');
  const time = manualClock();
  const recorder = createSessionRecorder({ dir, clock: time.clock, idleMs: 10 });
  const digests: string[] = [];
  for (const [i, columns] of [[1, 120], [2, 80], [3, 200]] as const) {
    const cmd = recorder.command(ctx({ requestId: `r${i}`, argv: ['s3', 'ls', `s3://b${i}`], columns }));
    time.advance(1000);
    cmd.output('stdout', Buffer.from(`line ${i}\n`));
    const end = await cmd.end(0, 'exited');
    t.ok(end.ok);
    if (end.ok) digests.push(end.value);
    t.ok(await until(() => recorder.size() === 0), `dropped after command ${i}`);
    time.advance(60_000);
  }
  const { text, header, events } = await readCast(path);
  t.equal(header.width, 120, 'the header is the first command\'s, not rewritten by a later one');
  t.same(events, [
    [0, 'o', '$ aws s3 ls s3://b1\r\n'], [1, 'o', 'line 1\r\n'],
    [61, 'o', '$ aws s3 ls s3://b2\r\n'], [62, 'o', 'line 2\r\n'],
    [122, 'o', '$ aws s3 ls s3://b3\r\n'], [123, 'o', 'line 3\r\n'],
  ], 'times continue from the header\'s timestamp across the drops');
  const lineEnds = [...text.matchAll(/\n/g)].map((m) => (m.index ?? 0) + 1);
  t.same(digests, lineEnds.filter((_, i) => i === 2 || i === 4 || i === 6).map((n) => sha256(Buffer.from(text).subarray(0, n))), 'each audited digest is the SHA-256 of the file up to that command\'s last line');
  await recorder.close();
});

t.test('a session whose recording failed is dropped too, and tried again when it comes back', async (t) => {
  const root = t.testdir({ sessions: 'a file where the directory should be' });
  const issues: string[] = [];
  const recorder = createSessionRecorder({ dir: join(root, 'sessions'), idleMs: 10, onError: (id, issue) => issues.push(`${id} ${issue.code}`) });
  t.match(await recorder.command(ctx()).end(0, 'exited'), { ok: false, issue: { code: 'RECORDING_WRITE_FAILED' } });
  t.ok(await until(() => recorder.size() === 0), 'the failed session is dropped');
  t.match(await recorder.command(ctx({ requestId: 'r2' })).end(0, 'exited'), { ok: false, issue: { code: 'RECORDING_WRITE_FAILED' } });
  t.same(issues, ['ses_one RECORDING_WRITE_FAILED', 'ses_one RECORDING_WRITE_FAILED'], 'the failure is found and reported again');
  await recorder.close();
});
