import { PassThrough } from 'node:stream';
import t from 'tap';
import { EXIT_NO_TTY, runApproveTui } from '../../src/tui/run-approve-tui.js';
import { makeRequest, T0 } from './approval-fixture.js';
import { createFakeApproverClient } from './fake-approver-client.js';

// Just enough of a terminal for ink: raw mode on stdin, a size on stdout.
const terminal = (isTTY: boolean) => {
  const stdin = Object.assign(new PassThrough(), { isTTY, setRawMode: () => stdin, ref: () => stdin, unref: () => stdin });
  const stdout = Object.assign(new PassThrough(), { isTTY, columns: 100, rows: 30 });
  let written = '';
  stdout.on('data', (chunk: Buffer) => (written += chunk.toString()));
  return {
    stdin: stdin as unknown as NodeJS.ReadStream,
    stdout: stdout as unknown as NodeJS.WriteStream,
    type: (keys: string) => stdin.write(keys),
    written: () => written,
  };
};

// Polls, because loading ink (and its layout engine) on first use takes a while; nothing asserts on how long.
const until = async (predicate: () => boolean, what: string): Promise<void> => {
  for (let i = 0; i < 1000; i++) {
    if (predicate()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`never saw ${what}`);
};

t.test('without a TTY it refuses with exit code 2 and names the plain commands', async (t) => {
  const term = terminal(false);
  const stderr = new PassThrough();
  let err = '';
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  const client = createFakeApproverClient();
  t.equal(await runApproveTui(client, { stdin: term.stdin, stdout: term.stdout, stderr }), EXIT_NO_TTY);
  t.equal(EXIT_NO_TTY, 2);
  t.match(err, /needs a terminal/);
  t.match(err, /aws-guard pending/);
  t.match(err, /aws-guard approve ID/);
  t.match(err, /aws-guard deny ID --reason/);
  t.equal(term.written(), '', 'nothing drawn on stdout');
  t.equal(client.subscribers(), 0, 'never subscribed');
});

t.test('q quits with exit code 0 and unsubscribes', async (t) => {
  const term = terminal(true);
  const client = createFakeApproverClient();
  const exit = runApproveTui(client, { stdin: term.stdin, stdout: term.stdout, now: () => T0 });
  // A failed wait must not leave the app holding the test process open.
  t.teardown(() => term.type('q'));
  await until(() => client.subscribers() === 1, 'the subscription');
  client.push([makeRequest('apr_1')]);
  term.type('q');
  t.equal(await exit, 0);
  t.equal(client.subscribers(), 0);
  // Only the title: ink throttles frames and, under CI=1, draws one frame at exit, so which list state
  // reached the terminal depends on timing. The list itself is tested through ink-testing-library.
  t.match(term.written(), /aws-guard approve/);
});

t.test('Ctrl+C quits like q', async (t) => {
  const term = terminal(true);
  const client = createFakeApproverClient();
  const exit = runApproveTui(client, { stdin: term.stdin, stdout: term.stdout, now: () => T0 });
  t.teardown(() => term.type('q'));
  await until(() => client.subscribers() === 1, 'the subscription');
  term.type('\u0003');
  t.equal(await exit, 0);
});
