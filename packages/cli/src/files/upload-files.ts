// Sends the files the broker asked for, one at a time, on the upload channel with credit-based flow control:
// memory stays at one window (1 MiB) whatever the file's size. Only files the shim itself listed are sent.
import { open } from 'node:fs/promises';
import { encodeDataFrames } from '@aws-guard/shared/protocol/data-frame';
import { createFlowWindow, type FlowWindow } from '@aws-guard/shared/protocol/flow-window';
import { FLOW_WINDOW_BYTES, MAX_DATA_CHUNK_BYTES } from '@aws-guard/shared/protocol/limits';
import type { ClientMessage } from '@aws-guard/shared/protocol/messages';
import { joinRel } from '@aws-guard/shared/files/safe-rel-path';
import type { LocalRoot } from './describe-local-root.js';
import { startProgress } from './transfer-progress.js';

export type UploadLink = Readonly<{
  send: (message: ClientMessage) => void;
  sendBinary: (frame: Buffer) => void;
  stderr: NodeJS.WritableStream;
  stderrIsTTY: boolean;
  /** True once the command is over (cancelled, connection lost): stop sending. */
  stopped: () => boolean;
}>;

export type Uploader = Readonly<{
  window: FlowWindow;
  /** Queues files in the order given; resolves when they have all been sent (or the command stopped). */
  enqueue: (files: readonly { id: number; path: string }[]) => Promise<void>;
}>;

const entryNames = new WeakMap<LocalRoot, Set<string>>();
const listed = (root: LocalRoot, rel: string): boolean => {
  if (rel === '') return root.stat.kind === 'file';
  let names = entryNames.get(root);
  if (names === undefined) entryNames.set(root, (names = new Set(root.entries.map((e) => e.path))));
  return names.has(rel);
};

export const createUploader = (link: UploadLink, roots: () => ReadonlyMap<number, LocalRoot>): Uploader => {
  const window = createFlowWindow(FLOW_WINDOW_BYTES);
  let chain: Promise<void> = Promise.resolve();

  const sendOne = async (id: number, rel: string): Promise<void> => {
    const root = roots().get(id);
    const fail = (message: string) => link.send({ type: 'upload.failed', id, path: rel, message });
    if (root === undefined || root.absPath === null || !listed(root, rel)) return fail('the broker asked for a file the shim did not list');
    const path = joinRel(root.absPath, rel);
    const handle = await open(path, 'r').catch((e: NodeJS.ErrnoException) => e);
    if (handle instanceof Error) return fail(`${path}: ${handle.code ?? handle.message}`);
    try {
      const { size } = await handle.stat();
      link.send({ type: 'upload.begin', id, path: rel, size });
      const progress = startProgress({ stderr: link.stderr, isTTY: link.stderrIsTTY, verb: 'uploading', name: root.request.path + (rel === '' ? '' : `/${rel}`), total: size });
      const buffer = Buffer.allocUnsafe(MAX_DATA_CHUNK_BYTES);
      let sent = 0;
      for (;;) {
        if (link.stopped()) return;
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
        if (bytesRead === 0) break;
        for (const frame of encodeDataFrames('upload', buffer.subarray(0, bytesRead), MAX_DATA_CHUNK_BYTES)) link.sendBinary(frame);
        sent += bytesRead;
        progress.advance(bytesRead);
        if (!window.sent(bytesRead)) await window.whenOpen();
      }
      progress.done();
      // A file that grew or shrank while it was read is not the file the command was checked with.
      if (sent !== size) return fail(`${path} changed while it was being sent (${size} bytes expected, ${sent} read)`);
      link.send({ type: 'upload.end', id, path: rel, bytes: sent });
    } finally {
      await handle.close();
    }
  };

  return Object.freeze({
    window,
    enqueue: (files) => {
      for (const f of files) chain = chain.then(() => (link.stopped() ? undefined : sendOne(f.id, f.path)));
      return chain;
    },
  });
};
