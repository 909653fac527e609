// The broker's half of the local-file conversation (docs/files.md) over one agent channel: ask the shim what
// the roots hold, receive the files fetched straight to disk (acknowledged only once written, so memory stays
// at one flow window), send back files the CLI wrote. The shim is not trusted: every name and size is checked.
import { createWriteStream, createReadStream, type WriteStream } from 'node:fs';
import { utimes } from 'node:fs/promises';
import { createHash, type Hash } from 'node:crypto';
import { fail, ok, type Result } from '@aws-guard/shared/result';
import { describeRelPathProblem, relPathProblem } from '@aws-guard/shared/files/safe-rel-path';
import { FLOW_WINDOW_BYTES } from '@aws-guard/shared/protocol/limits';
import type { FileEntry, FileRootRequest, FileRootStat } from '@aws-guard/shared/protocol/messages';
import type { FileEvent, FileLink } from '../server/agent-channel.js';

export type FileLimits = Readonly<{ maxFileBytes: number; maxTotalBytes: number; maxFiles: number }>;
export type ExchangeCode = 'FILE_PROTOCOL' | 'FILE_TOO_LARGE' | 'FILE_TOO_MANY' | 'FILE_CHANGED' | 'FILE_UNREADABLE' | 'FILE_CANCELLED';
export type Listed = Readonly<{ stat: FileRootStat; entries: readonly FileEntry[] }>;
export type Fetch = Readonly<{ id: number; rel: string; dest: string; size: number; mtimeMs: number; label: string }>;

const FETCH_BATCH = 1000;

export type FileExchange = Readonly<{
  list: (requestId: string, roots: readonly FileRootRequest[]) => Promise<Result<ReadonlyMap<number, Listed>, ExchangeCode>>;
  /** Receives the files in order; resolves with each file's SHA-256 by `id:rel`. */
  fetch: (files: readonly Fetch[]) => Promise<Result<ReadonlyMap<string, string>, ExchangeCode>>;
  /** Resolves false when a cancel stopped it: the file was not ended (the shim drops the partial file). */
  send: (id: number, rel: string, source: string, size: number, mtimeMs: number) => Promise<boolean>;
  remove: (id: number, rel: string) => void;
  close: () => void;
}>;

export const fileKey = (id: number, rel: string): string => `${id}:${rel}`;

export const createFileExchange = (link: FileLink, signal: AbortSignal, limits: FileLimits): FileExchange => {
  let handler: ((event: FileEvent) => void) | undefined;
  link.listen((event) => handler?.(event));

  /** Runs one phase: `onEvent` gets every event until it calls done; a cancel ends the phase too. */
  const phase = <T>(start: (done: (result: Result<T, ExchangeCode>) => void) => (event: FileEvent) => void): Promise<Result<T, ExchangeCode>> =>
    new Promise((resolve) => {
      const onAbort = () => finish(fail('FILE_CANCELLED', 'the command was cancelled while files were transferred'));
      const finish = (result: Result<T, ExchangeCode>) => {
        handler = undefined;
        signal.removeEventListener('abort', onAbort);
        resolve(result);
      };
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      handler = start(finish);
    });

  const list: FileExchange['list'] = (requestId, roots) =>
    phase<ReadonlyMap<number, Listed>>((done) => {
      const wanted = new Map(roots.map((r) => [r.id, r]));
      const listed = new Map<number, { stat: FileRootStat; entries: FileEntry[]; seen: Set<string> }>();
      let count = 0;
      link.send({ type: 'files.request', requestId, roots: [...roots] });
      return (event) => {
        if (event.kind === 'data') return done(fail('FILE_PROTOCOL', 'the shim sent file data before the broker asked for any'));
        const m = event.message;
        if (m.type === 'files.root') {
          if (!wanted.has(m.id) || listed.has(m.id)) return done(fail('FILE_PROTOCOL', `the shim described root ${m.id} twice or unasked`));
          return void listed.set(m.id, { stat: m, entries: [], seen: new Set() });
        }
        if (m.type === 'files.entries') {
          const root = listed.get(m.id);
          if (root === undefined || root.stat.kind !== 'dir' || wanted.get(m.id)?.tree !== true) return done(fail('FILE_PROTOCOL', `the shim listed files under root ${m.id}, which is not a tree`));
          for (const entry of m.entries) {
            const problem = relPathProblem(entry.path);
            if (problem !== null || entry.path === '') return done(fail('FILE_PROTOCOL', `the shim listed an unsafe file name under ${wanted.get(m.id)?.path}: ${describeRelPathProblem(entry.path, problem ?? 'empty-segment')}`));
            if (root.seen.has(entry.path)) return done(fail('FILE_PROTOCOL', `the shim listed ${entry.path} twice`));
            root.seen.add(entry.path);
            root.entries.push(entry);
          }
          count += m.entries.length;
          if (count > limits.maxFiles) return done(fail('FILE_TOO_MANY', `the command names more than ${limits.maxFiles} local files (the broker's limit, files.maxFiles)`));
          return;
        }
        if (m.type === 'files.listed') {
          const missing = roots.filter((r) => !listed.has(r.id));
          if (missing.length > 0) return done(fail('FILE_PROTOCOL', `the shim did not describe ${missing.map((r) => r.path).join(', ')}`));
          // A file cannot also be a directory of other files: only a lying shim lists both `a` and `a/b`.
          for (const [id, root] of listed)
            for (const path of root.seen)
              for (let cut = path.lastIndexOf('/'); cut > 0; cut = path.lastIndexOf('/', cut - 1))
                if (root.seen.has(path.slice(0, cut))) return done(fail('FILE_PROTOCOL', `the shim listed ${path.slice(0, cut)} under ${wanted.get(id)?.path} both as a file and as a directory`));
          return done(ok(new Map([...listed].map(([id, r]) => [id, { stat: r.stat, entries: r.entries }]))));
        }
        return done(fail('FILE_PROTOCOL', `unexpected ${m.type} while listing files`));
      };
    });

  const fetch: FileExchange['fetch'] = (files) =>
    phase<ReadonlyMap<string, string>>((done) => {
      const digests = new Map<string, string>();
      let index = 0;
      let closing = 0;
      let current: { file: Fetch; out: WriteStream; hash: Hash; received: number } | undefined;
      const abandon = (result: Result<ReadonlyMap<string, string>, ExchangeCode>) => {
        current?.out.destroy();
        current = undefined;
        done(result);
      };
      if (files.length === 0) {
        queueMicrotask(() => done(ok(digests)));
        return () => undefined;
      }
      for (let at = 0; at < files.length; at += FETCH_BATCH)
        link.send({ type: 'files.fetch', files: files.slice(at, at + FETCH_BATCH).map((f) => ({ id: f.id, path: f.rel })), last: at + FETCH_BATCH >= files.length });
      return (event) => {
        if (event.kind === 'data') {
          if (current === undefined) return abandon(fail('FILE_PROTOCOL', 'the shim sent file data outside a file'));
          const open = current;
          open.received += event.payload.length;
          if (open.received > open.file.size) return abandon(fail('FILE_CHANGED', `${open.file.label} grew while it was being sent; run the command again`));
          // The shim keeps to the flow window; a shim that does not would fill the broker's memory.
          if (open.out.writableLength > 2 * FLOW_WINDOW_BYTES) return abandon(fail('FILE_PROTOCOL', 'the shim ignored flow control'));
          open.hash.update(event.payload);
          const bytes = event.payload.length;
          open.out.write(event.payload, () => link.ackUpload(bytes));
          return;
        }
        const m = event.message;
        const expected = files[index];
        if (m.type === 'upload.failed') return abandon(fail('FILE_UNREADABLE', `the agent could not send ${expected?.label ?? m.path}: ${m.message}`));
        if (m.type !== 'upload.begin' && m.type !== 'upload.end') return abandon(fail('FILE_PROTOCOL', `unexpected ${m.type} while receiving files`));
        if (expected === undefined || m.id !== expected.id || m.path !== expected.rel) return abandon(fail('FILE_PROTOCOL', `the shim sent ${m.type} for a file the broker did not ask for next`));
        if (m.type === 'upload.begin') {
          if (current !== undefined) return abandon(fail('FILE_PROTOCOL', 'the shim began a file before ending the last'));
          if (m.size !== expected.size) return abandon(fail('FILE_CHANGED', `${expected.label} changed size since it was listed (${expected.size} → ${m.size} bytes); run the command again`));
          current = { file: expected, out: createWriteStream(expected.dest, { mode: 0o600 }), hash: createHash('sha256'), received: 0 };
          current.out.on('error', (e) => abandon(fail('FILE_UNREADABLE', `the broker could not stage ${expected.label}: ${e.message}`)));
          return;
        }
        {
          const open = current;
          if (open === undefined || open.received !== expected.size || m.bytes !== expected.size) return abandon(fail('FILE_CHANGED', `${expected.label} was not sent whole; run the command again`));
          current = undefined;
          index += 1;
          closing += 1;
          open.out.end(() => {
            const seconds = expected.mtimeMs / 1000;
            utimes(expected.dest, seconds, seconds).then(
              () => {
                digests.set(fileKey(expected.id, expected.rel), open.hash.digest('hex'));
                closing -= 1;
                if (index === files.length && closing === 0) done(ok(digests));
              },
              (e: Error) => abandon(fail('FILE_UNREADABLE', `the broker could not stage ${expected.label}: ${e.message}`)),
            );
          });
          return;
        }
      };
    });

  const send: FileExchange['send'] = async (id, rel, source, size, mtimeMs) => {
    link.send({ type: 'download.begin', id, path: rel, size, mtimeMs });
    for await (const chunk of createReadStream(source, { highWaterMark: 64 * 1024 })) {
      if (signal.aborted) return false;
      await link.writeDownload(chunk as Buffer);
    }
    if (signal.aborted) return false;
    link.send({ type: 'download.end', id, path: rel });
    return true;
  };

  return Object.freeze({
    list,
    fetch,
    send,
    remove: (id: number, rel: string) => link.send({ type: 'files.delete', id, path: rel }),
    // The command is ending (refused, cancelled, done): what the shim still has in flight — the rest of a listing,
    // a window of upload — is dropped, so that it cannot turn the broker's answer into a protocol error.
    close: () => link.listen(() => undefined),
  });
};
