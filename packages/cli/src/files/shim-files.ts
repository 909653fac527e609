// The shim's side of local files (docs/files.md): answers files.request with what the agent's filesystem
// holds, sends the files the broker fetches, writes back what the CLI wrote and applies its deletions.
import { homedir, userInfo } from 'node:os';
import type { DataFrame } from '@aws-guard/shared/protocol/data-frame';
import type { ClientMessage, ServerMessage } from '@aws-guard/shared/protocol/messages';
import { describeLocalRoot, type LocalRoot } from './describe-local-root.js';
import { createUploader } from './upload-files.js';
import { createDownloader } from './download-files.js';

const ENTRY_BATCH = 1000;

export type ShimFilesLink = Readonly<{
  send: (message: ClientMessage) => void;
  sendBinary: (frame: Buffer) => void;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  stderr: NodeJS.WritableStream;
  stderrIsTTY: boolean;
  /** Runs `step` after everything already queued for the agent's terminal and files, in order. */
  inOrder: (step: () => Promise<void>) => void;
  /** Ends the command with a gateway failure. */
  fail: (message: string) => void;
  stopped: () => boolean;
}>;

export type FileMessage = Extract<ServerMessage, { type: 'files.request' | 'files.fetch' | 'download.begin' | 'download.end' | 'files.delete' }>;

export type ShimFiles = Readonly<{
  onMessage: (message: FileMessage) => void;
  onDownloadData: (frame: DataFrame) => void;
  onUploadAck: (bytes: number) => void;
  /** Removes a download left half-written when the command ends early. */
  cleanUp: () => Promise<void>;
}>;

export const isFileMessage = (message: ServerMessage): message is FileMessage =>
  message.type === 'files.request' || message.type === 'files.fetch' || message.type === 'download.begin' || message.type === 'download.end' || message.type === 'files.delete';

/** The account as Python's pwd module reads it: `~user` is its home even when HOME says otherwise. */
const account = (): { user: string; home: string } => {
  try {
    const info = userInfo();
    return { user: info.username, home: info.homedir };
  } catch {
    return { user: '', home: homedir() };
  }
};

export const createShimFiles = (link: ShimFilesLink): ShimFiles => {
  let roots: ReadonlyMap<number, LocalRoot> = new Map();
  const uploader = createUploader(link, () => roots);
  const downloader = createDownloader(link, () => roots);
  const place = { env: link.env, cwd: link.cwd, ...account() };

  const describe = async (requests: Extract<FileMessage, { type: 'files.request' }>['roots']) => {
    const described = await Promise.all(requests.map((r) => describeLocalRoot(r, place)));
    roots = new Map(described.map((r) => [r.request.id, r]));
    for (const root of described) {
      link.send(root.stat);
      for (let at = 0; at < root.entries.length; at += ENTRY_BATCH)
        link.send({ type: 'files.entries', id: root.request.id, entries: root.entries.slice(at, at + ENTRY_BATCH) });
    }
    link.send({ type: 'files.listed' });
  };

  // A failing step ends the command: the agent must not believe a file arrived that did not.
  const step = (run: () => Promise<string | undefined>) =>
    link.inOrder(async () => {
      if (link.stopped()) return;
      const problem = await run().catch((e: NodeJS.ErrnoException) => `cannot write a returned file: ${e.code ?? ''} ${e.message}`.trim());
      if (problem !== undefined) link.fail(problem);
    });

  return Object.freeze({
    onMessage: (message) => {
      switch (message.type) {
        case 'files.request':
          describe(message.roots).catch((e: Error) => link.fail(`cannot read local files: ${e.message}`));
          return;
        case 'files.fetch':
          uploader.enqueue(message.files).catch((e: Error) => link.fail(`cannot send a local file: ${e.message}`));
          return;
        case 'download.begin':
          return step(() => downloader.begin(message.id, message.path, message.size, message.mtimeMs));
        case 'download.end':
          return step(() => downloader.end());
        case 'files.delete':
          return step(() => downloader.remove(message.id, message.path));
      }
    },
    onDownloadData: (frame) => {
      const bytes = frame.payload.length;
      step(async () => {
        const problem = await downloader.write(frame.payload);
        link.send({ type: 'flow.ack', stream: 'download', bytes });
        return problem;
      });
    },
    onUploadAck: (bytes) => uploader.window.acked(bytes),
    cleanUp: () => downloader.abort(),
  });
};
