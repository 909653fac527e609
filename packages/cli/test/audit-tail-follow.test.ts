import t from 'tap';
import { appendFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { followLines, readLinesFrom } from '../src/audit/follow-audit-file.js';
import { runFilteredTail } from '../src/commands/audit-export-run.js';
import { INTERRUPTED_EXIT } from '../src/commands/command-context.js';
import { BASE, captureIo, dataDirWith, EVENTS } from './audit-export-log.fixture.js';

const now = () => new Date(BASE + 12 * 60_000);
/** A poll wait that yields to the event loop only: the test, not a timer, decides when records arrive. */
const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 10_000; i++) {
    if (condition()) return;
    await tick();
  }
  throw new Error(`timed out waiting for ${what}`);
}

t.test('tail shows who, command, decision, approvers and exit on one line per record', async (t) => {
  const { dir } = await dataDirWith(t);
  const run = captureIo();
  t.equal(await runFilteredTail({ dataDir: dir, lines: '4' }, run.io, { now }), 0);
  const lines = run.lines();
  t.equal(lines.length, 4);
  t.match(lines[0], /^2026-11-26T12:09:00\.000Z {2}#9 {2}carol \(approver\) +approval\.approved +request r3 {2}by carol$/);
  t.match(lines[1], /#10 {2}codex for bob +approval\.consumed +request r3 {2}approve {2}by carol$/);
  t.match(lines[3], /#12 {2}codex for bob +command\.executed +request r3 {2}approve {2}by carol {2}exit 0$/);
});

t.test('with filters, tail reads the whole log so that every record knows its command', async (t) => {
  const { dir } = await dataDirWith(t);
  const run = captureIo();
  t.equal(await runFilteredTail({ dataDir: dir, lines: '2', agent: 'codex' }, run.io, { now }), 0);
  t.match(run.lines(), [
    /#11 {2}codex for bob +command\.started +aws s3api delete-bucket --bucket b {2}approve {2}by carol$/,
    /#12 .*aws s3api delete-bucket --bucket b {2}approve {2}by carol {2}exit 0$/,
  ]);
  t.equal(run.lines().length, 2);
  const json = captureIo();
  t.equal(await runFilteredTail({ dataDir: dir, json: true, decision: 'allow' }, json.io, { now }), 0);
  t.same(json.lines().map((l) => (JSON.parse(l) as { seq: number }).seq), [3, 4]);
});

t.test('tail reports bad -n and bad filters together', async (t) => {
  await t.rejects(runFilteredTail({ dataDir: t.testdir(), lines: '0', since: 'later' }, captureIo().io, { now }),
    { code: 'AUDIT_USAGE', exitCode: 2, message: /^audit tail: -n must be a positive whole number, not 0; --since: "later"/ });
  await t.rejects(runFilteredTail({ dataDir: join(t.testdir(), 'none'), agent: 'x' }, captureIo().io, { now }), { code: 'AUDIT_LOG_MISSING' });
});

t.test('tail -f shows records as the broker appends them, filtered, and stops when aborted', async (t) => {
  const { dir, append } = await dataDirWith(t, EVENTS.slice(0, 4));
  const run = captureIo();
  const controller = new AbortController();
  const done = runFilteredTail({ dataDir: dir, lines: '1', follow: true, session: 's1' }, run.io, { now, signal: controller.signal, wait: tick });
  await until(() => run.lines().length === 1, 'the initial line');
  t.match(run.lines()[0], /#4 .*command\.executed .*aws s3api list-buckets {2}allow {2}exit 0$/);
  for (const event of EVENTS.slice(4, 8)) await append(event);
  // Records 7 and 8 are of session s2: filtered out even while following.
  await until(() => run.lines().length === 3, 'the appended s1 records');
  await append(EVENTS[5]!);
  await until(() => run.lines().length === 4, 'one more');
  controller.abort();
  t.equal(await done, INTERRUPTED_EXIT, 'interrupted: 130, as replay and the shim');
  t.match(run.lines().slice(1), [/#5 .*command\.requested +aws configure list$/, /#6 .*command\.refused .*deny {2}exit 255/, /#9 .*command\.refused/]);
});

t.test('tail -f stops cleanly on SIGINT when no signal is given, with exit 130', async (t) => {
  const { dir } = await dataDirWith(t, EVENTS.slice(0, 2));
  const run = captureIo();
  const listeners = process.listenerCount('SIGINT');
  const done = runFilteredTail({ dataDir: dir, follow: true }, run.io, { now, wait: tick });
  await until(() => process.listenerCount('SIGINT') > listeners, 'the SIGINT listener');
  process.emit('SIGINT');
  t.equal(await done, INTERRUPTED_EXIT, 'Ctrl-C: 130');
  t.equal(process.listenerCount('SIGINT'), listeners, 'the listener is removed');
  t.equal(run.lines().length, 2);
});

t.test('tail -f stops with exit 1 when the followed log shrinks', async (t) => {
  const { dir } = await dataDirWith(t, EVENTS.slice(0, 2));
  const run = captureIo();
  const done = runFilteredTail({ dataDir: dir, follow: true }, run.io, { now, wait: tick, signal: new AbortController().signal });
  await until(() => run.lines().length === 2, 'the initial lines');
  await writeFile(join(dir, 'audit', 'audit.jsonl'), '');
  t.equal(await done, 1);
  t.match(run.err(), /stopped following: AUDIT_LOG_SHRANK/);
});

t.test('readLinesFrom returns complete lines only and where to go on', async (t) => {
  const path = join(t.testdir(), 'log');
  const cases: ReadonlyArray<[string, number, number | undefined, unknown]> = [
    ['', 0, undefined, { ok: true, lines: [], next: 0 }],
    ['a\nb\n', 0, undefined, { ok: true, lines: ['a', 'b'], next: 4 }],
    ['a\nb\npartial', 0, undefined, { ok: true, lines: ['a', 'b'], next: 4 }],
    ['a\nb\n', 2, undefined, { ok: true, lines: ['b'], next: 4 }],
    ['a\nbbbb\n', 0, 4, { ok: true, lines: ['a'], next: 2 }],
    ['aaaaaaaa\n', 0, 4, { ok: false, code: 'AUDIT_LINE_TOO_LONG' }],
    ['a\n', 5, undefined, { ok: false, code: 'AUDIT_LOG_SHRANK' }],
  ];
  for (const [content, offset, maxBytes, expected] of cases) {
    await writeFile(path, content);
    t.match(await readLinesFrom(path, offset, maxBytes), expected, JSON.stringify([content, offset, maxBytes]));
  }
});

t.test('followLines picks up a line once its newline is written', async (t) => {
  const path = join(t.testdir(), 'log');
  await writeFile(path, 'one\n');
  const controller = new AbortController();
  const batches: string[][] = [];
  const following = (async () => {
    for await (const batch of followLines(path, 0, { signal: controller.signal, wait: tick })) if (batch.ok) batches.push(batch.lines);
  })();
  await until(() => batches.length === 1, 'the first batch');
  await appendFile(path, 'tw');
  for (let i = 0; i < 20; i++) await tick();
  t.equal(batches.length, 1, 'half a line is not shown');
  await appendFile(path, 'o\n');
  await until(() => batches.length === 2, 'the finished line');
  controller.abort();
  await following;
  t.same(batches, [['one'], ['two']]);
});
