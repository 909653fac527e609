// What an approver sees of a held command's local files: each root's argument, path and size, and the start
// of a text file (a policy document, a template) so that the decision is about the content, not just a name.
import { open } from 'node:fs/promises';
import type { ApprovalFile } from '@aws-guard/shared/approval/approval-request';
import type { StagedRoot } from './stage-local-files.js';

const PREVIEW_BYTES = 4096;

const textPreview = async (path: string): Promise<string | undefined> => {
  const handle = await open(path, 'r').catch(() => null);
  if (handle === null) return undefined;
  try {
    const buffer = Buffer.alloc(PREVIEW_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, PREVIEW_BYTES, 0);
    const head = buffer.subarray(0, bytesRead);
    if (head.includes(0)) return undefined; // binary: a zip, an image
    // A cut through a multi-byte character at the end is dropped, anything else undecodable means binary.
    const text = new TextDecoder('utf-8', { fatal: false }).decode(head);
    return text.includes('\ufffd') && !text.endsWith('\ufffd') ? undefined : text.replace(/\ufffd+$/u, '');
  } finally {
    await handle.close();
  }
};

export const approvalFiles = async (roots: readonly StagedRoot[]): Promise<ApprovalFile[]> =>
  Promise.all(
    roots
      .filter((r) => r.plan.reads !== 'none' && r.listed.stat.kind !== 'missing')
      .map(async (r): Promise<ApprovalFile> => {
        const arg = r.plan.refs[0]?.arg ?? '';
        if (r.listed.stat.kind === 'dir') {
          const bytes = r.listed.entries.reduce((n, e) => n + e.size, 0);
          return { arg, path: `${r.plan.path} (${r.listed.entries.length} files)`, bytes };
        }
        const preview = r.plan.reads === 'content' ? await textPreview(r.abs) : undefined;
        return { arg, path: r.plan.path, bytes: r.listed.stat.size ?? 0, ...(preview === undefined ? {} : { preview }) };
      }),
  );
