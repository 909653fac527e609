// The relay of one command once connected: the CLI's stdout, stderr and exit code come back byte for byte,
// stdin, signals, approval waits and local files go out. Loaded while the connection is being made (run-shim.ts).
import { encodeDataFrames } from '@aws-guard/shared/protocol/data-frame';
import { createFlowWindow } from '@aws-guard/shared/protocol/flow-window';
import { FLOW_WINDOW_BYTES, MAX_DATA_CHUNK_BYTES } from '@aws-guard/shared/protocol/limits';
import { FORWARDED_ENV_NAMES, type ApprovalPending, type ForwardedEnv } from '@aws-guard/shared/protocol/messages';
import { formatDuration } from '@aws-guard/shared/duration';
import type { BrokerConnection } from '../client/broker-client.js';
import type { ShimConfig } from './shim-config.js';
import { watchTokenFile } from './watch-token-file.js';
import { SHIM_EXIT, SIGNAL_EXIT, type ShimIo, type ShimSignal } from './shim-io.js';
import { createShimFiles, isFileMessage } from '../files/shim-files.js';

/** How long the shim waits for the broker to confirm a cancel before it exits anyway. */
const CANCEL_GRACE_MS = 5_000;

const forwardedEnv = (env: ShimIo['env']): ForwardedEnv => {
  const out: Record<string, string> = {};
  for (const name of FORWARDED_ENV_NAMES) {
    const value = env[name];
    if (value !== undefined && value !== '') out[name] = value;
  }
  return out;
};

const write = (stream: NodeJS.WritableStream, chunk: Uint8Array | string): Promise<void> =>
  new Promise((resolve) => stream.write(chunk, () => resolve()));

export const relayCommand = (io: ShimIo, conn: BrokerConnection, { approvalWaitMs, token, tokenFile }: ShimConfig): Promise<number> =>
  new Promise<number>((resolve) => {
    const stdinWindow = createFlowWindow(FLOW_WINDOW_BYTES);
    let signalled: ShimSignal | undefined;
    let finished = false;
    // Ended by a failure, a signal or a lost connection: file steps still queued are dropped, not completed.
    let broken = false;
    let stdinStarted = false;
    // Output is written in arrival order; the exit waits for the last write to complete.
    let lastWrite: Promise<void> = Promise.resolve();

    let endApprovalWait = () => undefined as void;
    const finish = (code: number, message?: string) => {
      if (finished) return;
      finished = true;
      broken = message !== undefined || signalled !== undefined;
      endApprovalWait();
      unsubscribe();
      if (stdinStarted) io.stdin.pause();
      lastWrite = lastWrite.then(() => files.cleanUp()).then(() => (message === undefined ? undefined : write(io.stderr, `aws-guard: ${message}\n`)));
      void lastWrite.then(() => {
        conn.close();
        resolve(signalled === undefined ? code : SIGNAL_EXIT[signalled]);
      });
    };

    const files = createShimFiles({
      send: conn.send,
      sendBinary: conn.sendBinary,
      env: io.env,
      cwd: io.cwd,
      stderr: io.stderr,
      stderrIsTTY: io.stderrIsTTY,
      inOrder: (step) => {
        lastWrite = lastWrite.then(step);
      },
      fail: (message) => finish(SHIM_EXIT.gatewayFailure, message),
      stopped: () => broken,
    });

    const unsubscribe = io.onSignal((signal) => {
      if (signalled !== undefined) return finish(SIGNAL_EXIT[signal]);
      signalled = signal;
      conn.send({ type: 'command.cancel', reason: 'signal', signal });
      setTimeout(() => finish(SIGNAL_EXIT[signal], 'the broker did not confirm the cancel in time'), CANCEL_GRACE_MS).unref();
    });

    const pumpStdin = () => {
      stdinStarted = true;
      io.stdin.on('data', (chunk: Buffer) => {
        for (const frame of encodeDataFrames('stdin', chunk, MAX_DATA_CHUNK_BYTES)) conn.sendBinary(frame);
        if (!stdinWindow.sent(chunk.length)) {
          io.stdin.pause();
          void stdinWindow.whenOpen().then(() => !finished && io.stdin.resume());
        }
      });
      io.stdin.on('end', () => conn.send({ type: 'command.stdin-end' }));
    };

    // Agents' tool calls time out, so the wait is bounded; the request stays pending on the broker and an
    // identical re-run after approval executes it (the approval is bound to the command's hash).
    const waitForApproval = (pending: ApprovalPending) => {
      const waitMs = approvalWaitMs;
      const until = new Date(pending.expiresAt);
      void write(io.stderr, `aws-guard: ${pending.command} needs approval (${pending.reason}); request ${pending.requestId}, approval ${pending.approvalId}, ${pending.requiredApprovers} approver(s) needed: aws-guard approve ${pending.approvalId}. Waiting up to ${formatDuration(waitMs)}.\n`);
      const started = Date.now();
      const clock = (ms: number) => `${Math.floor(ms / 60_000)}:${String(Math.floor(ms / 1000) % 60).padStart(2, '0')}`;
      // Only for a person at a terminal: agents read stderr as text, and a ticking line would be noise there.
      const ticker = io.stderrIsTTY
        ? setInterval(() => void write(io.stderr, `\r\x1b[2Kaws-guard: still waiting for ${pending.approvalId} (${clock(Date.now() - started)} of ${clock(waitMs)})`), 1000)
        : undefined;
      const giveUp = setTimeout(() => {
        conn.send({ type: 'command.cancel', reason: 'user' });
        finish(SHIM_EXIT.gatewayFailure, `no decision on ${pending.approvalId} within ${formatDuration(waitMs)}; it stays pending until ${until.toISOString()}: once approved, run the identical command again to execute it`);
      }, waitMs);
      giveUp.unref();
      const stopWatching = tokenFile === undefined ? () => undefined : watchTokenFile(tokenFile, token, (fresh) => conn.send({ type: 'auth.refresh', token: fresh }));
      // Approved (the command starts) or finished: the wait, its time limit and its indicator end together.
      endApprovalWait = () => {
        clearTimeout(giveUp);
        stopWatching();
        if (ticker === undefined) return;
        clearInterval(ticker);
        lastWrite = lastWrite.then(() => write(io.stderr, '\r\x1b[2K'));
      };
    };

    conn.listen({
      onData: (frame) => {
        if (frame.stream === 'download') return files.onDownloadData(frame);
        io.timing.mark('first-output');
        const target = frame.stream === 'stderr' ? io.stderr : io.stdout;
        const bytes = frame.payload.length;
        lastWrite = lastWrite.then(() => write(target, frame.payload)).then(() => conn.send({ type: 'flow.ack', stream: frame.stream, bytes }));
      },
      onMessage: (message) => {
        if (isFileMessage(message)) return files.onMessage(message);
        switch (message.type) {
          case 'command.accepted':
            io.timing.mark('accepted');
            endApprovalWait();
            endApprovalWait = () => undefined;
            if (message.stdin && !stdinStarted) pumpStdin();
            return;
          case 'flow.ack':
            if (message.stream === 'stdin') stdinWindow.acked(message.bytes);
            if (message.stream === 'upload') files.onUploadAck(message.bytes);
            return;
          case 'command.exit':
            io.timing.mark('exit-received');
            return finish(message.exitCode);
          case 'error':
            return finish(SHIM_EXIT.gatewayFailure, message.message);
          case 'hello':
            return finish(SHIM_EXIT.gatewayFailure, 'the broker sent a second hello');
          case 'approval.pending':
            return waitForApproval(message);
          case 'command.queued':
            // Queued means decided (the broker takes a slot after any approval): the approval wait is over.
            endApprovalWait();
            endApprovalWait = () => undefined;
            lastWrite = lastWrite.then(() => write(io.stderr, `aws-guard: queued: ${message.limit === 'agent' ? 'this agent is' : 'the broker is'} running its limit of ${message.max} commands; ${message.position} ahead of this one (request ${message.requestId})\n`));
            return;
        }
      },
      onClose: (code, reason) => finish(SHIM_EXIT.gatewayFailure, `lost the connection to the broker (${code}${reason ? ` ${reason}` : ''})`),
    });
    conn.send({ type: 'command.run', argv: [...io.argv], env: forwardedEnv(io.env), terminal: io.columns === undefined ? {} : { columns: io.columns }, cwd: io.cwd });
    io.timing.mark('command-sent');
  });
