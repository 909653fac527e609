import t from 'tap';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { Writable } from 'node:stream';
import { CLOSE_CODES, FLOW_WINDOW_BYTES } from '@aws-guard/shared/protocol/limits';
import type { AgentChannel } from '@aws-guard/broker/server/agent-channel';
import { RUN, connect, deferred, startBroker, type Frame } from './broker-harness.js';

t.setTimeout(60_000);

const MiB = 1024 * 1024;
const WRITE = 256 * 1024;
/** 5 MiB whose every 4-byte word differs, so lost or reordered bytes change the digest. */
const payload = (bytes: number) => {
  const words = new Uint32Array(bytes / 4);
  for (let i = 0; i < words.length; i++) words[i] = i;
  return Buffer.from(words.buffer);
};
/** Resolves when the channel is cancelled (at once if it already is: several frames can arrive in one tick). */
const aborted = (channel: AgentChannel): Promise<unknown> =>
  channel.cancelled.aborted ? Promise.resolve() : once(channel.cancelled, 'abort');
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** A stdin target that collects what it gets; `hold` keeps each write's callback until released. */
const stdinTarget = (hold?: Promise<void>) => {
  const chunks: Buffer[] = [];
  const written = deferred<void>();
  const target = new Writable({
    write(chunk: Buffer, _enc, callback) {
      chunks.push(chunk);
      written.resolve();
      if (hold) void hold.then(() => callback());
      else callback();
    },
  });
  return { target, chunks, written: written.promise };
};

t.test('stdin frames reach the command in order and each is acknowledged with its size', async (t) => {
  const received = deferred<Buffer>();
  const broker = await startBroker(t, {
    onCommand: async (channel) => {
      const { target, chunks } = stdinTarget();
      channel.pipeStdinTo(target);
      channel.accept('req_in', true);
      await once(target, 'finish');
      received.resolve(Buffer.concat(chunks));
      channel.exit('req_in', 0, 'exited');
    },
  });
  const client = await connect(broker);
  await client.hello();
  client.send(RUN);
  t.match(await client.next(), { kind: 'message', message: { type: 'command.accepted', requestId: 'req_in', stdin: true } });
  const parts = [Buffer.from('first\n'), payload(64 * 1024), Buffer.from([0, 1, 255])];
  for (const part of parts) client.sendData('stdin', part);
  client.send({ type: 'command.stdin-end' });
  const acks: number[] = [];
  for (let f = await client.next(); f.kind === 'message' && f.message.type === 'flow.ack'; f = await client.next()) {
    t.equal(f.message.stream, 'stdin');
    acks.push(f.message.bytes);
  }
  t.same(acks, parts.map((p) => p.length), 'one ack per frame, with its size');
  t.ok((await received.promise).equals(Buffer.concat(parts)), 'the command read exactly what was sent');
});

t.test('a stdin frame is acknowledged only after the command took it', async (t) => {
  const release = deferred<void>();
  const broker = await startBroker(t, {
    onCommand: async (channel) => {
      const { target, written } = stdinTarget(release.promise);
      channel.pipeStdinTo(target);
      channel.accept('req_slow', true);
      await written;
      await aborted(channel);
      // Marks the moment in the stream: an early ack would arrive before this.
      await channel.write('stderr', Buffer.from('cancel seen'));
      release.resolve();
    },
  });
  const client = await connect(broker);
  await client.hello();
  client.send(RUN);
  await client.next();
  client.sendData('stdin', Buffer.from('held'));
  client.send({ type: 'command.cancel', reason: 'user' });
  const first = await client.next();
  t.match(first, { kind: 'data', stream: 'stderr' }, 'the marker comes first');
  t.match(await client.next(), { kind: 'message', message: { type: 'flow.ack', stream: 'stdin', bytes: 4 } }, 'then the ack');
});

t.test('stdin sent to a command that reads none is acknowledged, so the shim never stalls', async (t) => {
  const broker = await startBroker(t, { onCommand: async (channel) => channel.accept('req_x', false) });
  const client = await connect(broker);
  await client.hello();
  client.send(RUN);
  await client.next();
  for (const size of [10, 64 * 1024]) {
    client.sendData('stdin', Buffer.alloc(size));
    t.match(await client.next(), { kind: 'message', message: { type: 'flow.ack', stream: 'stdin', bytes: size } }, `${size} bytes`);
  }
});

t.test('5 MiB of output flows through the window: in order, complete, never more than a window unacknowledged', async (t) => {
  const data = payload(5 * MiB);
  const broker = await startBroker(t, {
    onCommand: async (channel) => {
      channel.accept('req_big', false);
      for (let at = 0; at < data.length; at += WRITE) await channel.write('stdout', data.subarray(at, at + WRITE));
      channel.exit('req_big', 0, 'exited');
    },
  });
  const client = await connect(broker);
  await client.hello();
  client.send(RUN);
  const got: Buffer[] = [];
  let unacked = 0;
  let maxUnacked = 0;
  let f: Frame;
  for (f = await client.next(); f.kind === 'data' || (f.kind === 'message' && f.message.type === 'command.accepted'); f = await client.next()) {
    if (f.kind !== 'data') continue;
    got.push(f.payload);
    unacked += f.payload.length;
    maxUnacked = Math.max(maxUnacked, unacked);
    const bytes = f.payload.length;
    // The agent acknowledges a little later, as a real shim does after writing to its stdout.
    setImmediate(() => {
      unacked -= bytes;
      client.send({ type: 'flow.ack', stream: 'stdout', bytes });
    });
  }
  t.match(f, { kind: 'message', message: { type: 'command.exit', exitCode: 0 } }, 'exit after the last byte');
  t.equal(sha(Buffer.concat(got)), sha(data), 'every byte, in order');
  t.ok(maxUnacked <= FLOW_WINDOW_BYTES + WRITE, `at most a window (+ one write) in flight: ${maxUnacked}`);
});

t.test('without acks the writer waits after one window; a disconnect wakes it and cancels', async (t) => {
  const blocked = deferred<number>();
  const woke = deferred<unknown>();
  const channelSeen = deferred<AgentChannel>();
  const broker = await startBroker(t, {
    onCommand: async (channel) => {
      channelSeen.resolve(channel);
      let written = 0;
      for (;;) {
        const pending = channel.write('stdout', Buffer.alloc(WRITE, 1));
        written += WRITE;
        if (pending) {
          blocked.resolve(written);
          await pending;
          woke.resolve(channel.cancelled.reason);
          return;
        }
        if (written > 5 * MiB) return blocked.resolve(written);
      }
    },
  });
  const client = await connect(broker);
  await client.hello();
  client.send(RUN);
  const written = await blocked.promise;
  t.ok(written >= FLOW_WINDOW_BYTES && written <= FLOW_WINDOW_BYTES + WRITE, `stopped after one window: ${written}`);
  client.ws.terminate();
  t.equal(await woke.promise, 'disconnect', 'woken, and cancelled because the agent went away');
  t.equal((await channelSeen.promise).cancelled.aborted, true);
});

t.test('only an ack on the same stream reopens the window for a waiting writer', async (t) => {
  const broker = await startBroker(t, {
    onCommand: async (channel) => {
      const pending = channel.write('stdout', Buffer.alloc(FLOW_WINDOW_BYTES, 2));
      if (pending) await pending;
      await channel.write('stderr', Buffer.from('resumed'));
    },
  });
  const client = await connect(broker);
  await client.hello();
  client.send(RUN);
  let got = 0;
  while (got < FLOW_WINDOW_BYTES) {
    const f = await client.next();
    if (f.kind === 'data') got += f.payload.length;
  }
  client.send({ type: 'flow.ack', stream: 'stderr', bytes: got });
  // Two stdin round trips (this command reads no stdin, so each frame is acked at once): had the stderr
  // ack resumed the writer, its marker would arrive before the second ack.
  for (const probe of ['a', 'b']) {
    client.sendData('stdin', Buffer.from(probe));
    t.match(await client.next(), { kind: 'message', message: { type: 'flow.ack', stream: 'stdin', bytes: 1 } }, `round trip ${probe}`);
  }
  client.send({ type: 'flow.ack', stream: 'stdout', bytes: 1 });
  t.match(await client.next(), { kind: 'data', stream: 'stderr', payload: Buffer.from('resumed') }, 'one stdout byte acked resumes it');
});

const cancels = [
  [{ type: 'command.cancel', reason: 'signal', signal: 'SIGINT' }, 'signal'],
  [{ type: 'command.cancel', reason: 'signal', signal: 'SIGTERM' }, 'signal'],
  [{ type: 'command.cancel', reason: 'user' }, 'user'],
  [{ type: 'command.cancel', reason: 'disconnect' }, 'disconnect'],
] as const;

t.test('command.cancel aborts channel.cancelled with the reason the agent gave', async (t) => {
  for (const [message, reason] of cancels) {
    const seen = deferred<unknown>();
    const broker = await startBroker(t, {
      onCommand: async (channel) => {
        channel.accept('req_c', false);
        await aborted(channel);
        seen.resolve(channel.cancelled.reason);
        channel.exit('req_c', 130, 'cancelled');
      },
    });
    const client = await connect(broker);
    await client.hello();
    client.send(RUN);
    await client.next();
    client.send(message);
    t.equal(await seen.promise, reason, JSON.stringify(message));
    t.match(await client.next(), { kind: 'message', message: { type: 'command.exit', reason: 'cancelled' } });
    t.equal((await client.closed).code, CLOSE_CODES.normal);
  }
});

t.test('a disconnect without cancel aborts with "disconnect"; one after cancel keeps its reason', async (t) => {
  for (const cancelFirst of [false, true]) {
    const seen = deferred<unknown>();
    const closed = deferred<void>();
    const broker = await startBroker(t, {
      onCommand: async (channel) => {
        channel.accept('req_d', false);
        await aborted(channel);
        seen.resolve(channel.cancelled.reason);
        closed.resolve();
      },
    });
    const client = await connect(broker);
    await client.hello();
    client.send(RUN);
    await client.next();
    if (cancelFirst) client.send({ type: 'command.cancel', reason: 'signal', signal: 'SIGINT' });
    client.ws.close();
    t.equal(await seen.promise, cancelFirst ? 'signal' : 'disconnect', cancelFirst ? 'cancel then close' : 'close alone');
    await closed.promise;
  }
});
