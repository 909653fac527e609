// When the broker ends a file phase early (a limit from the listing, a cancel mid-upload), the shim still has
// traffic in flight: the rest of its listing, up to a flow window of upload. That is dropped while the command
// ends, so the agent sees the broker's refusal or cancel confirmation, never a protocol error in its place.
import t from 'tap';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLOSE_CODES } from '@aws-guard/shared/protocol/limits';
import type { AgentChannel } from '@aws-guard/broker/server/agent-channel';
import { createFileExchange } from '@aws-guard/broker/files/file-exchange';
import { RUN, connect, deferred, startBroker, type Frame, type TestClient } from '../server/broker-harness.js';

const LIMITS = { maxFileBytes: 1 << 30, maxTotalBytes: 1 << 30, maxFiles: 2 };
const CHUNK = 64 * 1024;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const until = async (client: TestClient, type: string): Promise<Frame> => {
  for (;;) {
    const f = await client.next();
    if (f.kind === 'closed' || (f.kind === 'message' && f.message.type === type)) return f;
  }
};
const rest = async (client: TestClient): Promise<Frame[]> => {
  const frames: Frame[] = [];
  for (let f = await client.next(); f.kind !== 'closed'; f = await client.next()) frames.push(f);
  return frames;
};
const errors = (frames: Frame[]) => frames.filter((f) => f.kind === 'message' && f.message.type === 'error');

/** A command that runs one exchange step, closes the exchange as local-files.ts does, then takes a while to end
 *  (run-command writes the audit record first) and exits. */
const command = (step: (channel: AgentChannel) => Promise<{ ok: boolean; issue?: { code: string } }>, exit: [number, 'refused' | 'cancelled']) => {
  const code = deferred<string | undefined>();
  return {
    code: code.promise,
    onCommand: async (channel: AgentChannel) => {
      const result = await step(channel);
      code.resolve(result.ok ? undefined : result.issue?.code);
      await sleep(200);
      channel.exit('req_f', ...exit);
    },
  };
};

t.test('a listing over files.maxFiles: the rest of the listing is dropped, the refusal arrives', async (t) => {
  let exchange: ReturnType<typeof createFileExchange> | undefined;
  const cmd = command(async (channel) => {
    exchange = createFileExchange(channel.files, channel.cancelled, LIMITS);
    const listed = await exchange.list('req_f', [{ id: 0, path: 'dir', expand: false, tree: true, followSymlinks: true, writes: false }]);
    exchange.close();
    return listed;
  }, [255, 'refused']);
  const broker = await startBroker(t, { onCommand: cmd.onCommand });
  const client = await connect(broker);
  await client.hello();
  client.send(RUN);
  t.match(await until(client, 'files.request'), { kind: 'message', message: { type: 'files.request' } });
  client.send({ type: 'files.root', id: 0, kind: 'dir', size: 4096, mtimeMs: 0 });
  client.send({ type: 'files.entries', id: 0, entries: ['a', 'b', 'c'].map((path) => ({ path, size: 1, mtimeMs: 0 })) });
  await sleep(50); // the broker has judged the listing before the shim's last message arrives
  client.send({ type: 'files.listed' });
  const frames = await rest(client);
  t.equal(await cmd.code, 'FILE_TOO_MANY', 'the listing was refused');
  t.same(errors(frames), [], 'no error frame: files.listed after the refusal is not a protocol error');
  t.match(frames.at(-1), { kind: 'message', message: { type: 'command.exit', exitCode: 255, reason: 'refused' } }, 'the command ends as the broker decided');
  t.equal((await client.closed).code, CLOSE_CODES.normal, 'a normal close');
});

t.test('a cancel mid-upload: the upload still in flight is dropped, the cancel is confirmed', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'exchange-late-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const cmd = command(async (channel) => {
    const exchange = createFileExchange(channel.files, channel.cancelled, LIMITS);
    const fetched = await exchange.fetch([{ id: 0, rel: '', dest: join(dir, 'big.bin'), size: 10 * CHUNK, mtimeMs: 0, label: 'big.bin' }]);
    exchange.close();
    return fetched;
  }, [130, 'cancelled']);
  const broker = await startBroker(t, { onCommand: cmd.onCommand });
  const client = await connect(broker);
  await client.hello();
  client.send(RUN);
  t.match(await until(client, 'files.fetch'), { kind: 'message', message: { type: 'files.fetch' } });
  client.send({ type: 'upload.begin', id: 0, path: '', size: 10 * CHUNK });
  client.sendData('upload', Buffer.alloc(CHUNK, 1));
  client.send({ type: 'command.cancel', reason: 'signal', signal: 'SIGINT' });
  await sleep(50);
  for (let i = 0; i < 9; i++) client.sendData('upload', Buffer.alloc(CHUNK, 2));
  client.send({ type: 'upload.end', id: 0, path: '', bytes: 10 * CHUNK });
  const frames = await rest(client);
  t.equal(await cmd.code, 'FILE_CANCELLED', 'the upload was cancelled');
  t.same(errors(frames), [], 'no error frame: the upload in flight is not a protocol error');
  t.match(frames.at(-1), { kind: 'message', message: { type: 'command.exit', exitCode: 130, reason: 'cancelled' } }, 'the cancel is confirmed');
  t.equal((await client.closed).code, CLOSE_CODES.normal, 'a normal close');
});

t.test('without a file exchange, upload data is still a protocol error', async (t) => {
  const broker = await startBroker(t, { onCommand: () => new Promise(() => undefined) });
  const client = await connect(broker);
  await client.hello();
  client.send(RUN);
  client.sendData('upload', Buffer.alloc(10));
  t.match(await client.next(), { kind: 'message', message: { type: 'error', code: 'PROTOCOL_UNEXPECTED' } });
  t.equal((await client.closed).code, CLOSE_CODES.protocolError);
});
