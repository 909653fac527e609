// Test helper: writes an audit log with signed checkpoints (the broker's own writer and key code), and rewrites
// one the way an attacker without the private key would.
import { generateKeyPairSync, sign } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { computeRecordHash } from '@aws-guard/shared/audit/hash-chain';
import { publicKeyId } from '@aws-guard/shared/audit/checkpoint-signature';
import { createAuditLog } from '@aws-guard/broker/audit/audit-log';
import { auditDirOf } from '@aws-guard/broker/audit/audit-files';
import { loadOrCreateAuditSigningKey, type AuditSigningKey, type CheckpointSigner } from '@aws-guard/broker/audit/audit-signing-key';

export type SignedLog = { path: string; key: AuditSigningKey };

/** `count` events with a checkpoint after every `every` records, closed cleanly unless `close` is false. */
export async function writeSignedLog(dataDir: string, count: number, every: number, close = true): Promise<SignedLog> {
  const key = await loadOrCreateAuditSigningKey(dataDir);
  let ms = Date.UTC(2025, 0, 1);
  const log = await createAuditLog({
    dir: auditDirOf(dataDir),
    clock: () => new Date((ms += 1000)),
    checkpoints: { signer: key.signer, everyRecords: every, timer: () => () => {} },
  });
  for (let i = 1; i <= count; i++) {
    await log.append({ type: 'command.requested', requestId: `r${i}`, actor: { kind: 'agent', agent: 'claude' }, data: { argv: ['s3', 'ls'], i } });
  }
  if (close) await log.close();
  return { path: log.path, key };
}

export const readLines = async (path: string): Promise<string[]> => (await readFile(path, 'utf8')).split('\n').slice(0, -1);
export const writeLines = (path: string, lines: readonly string[]): Promise<void> => writeFile(path, lines.map((l) => `${l}\n`).join(''));

/** A signer with a key the broker never had: what an attacker can make. */
export function attackerSigner(): CheckpointSigner {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { keyId: publicKeyId(publicKey), sign: (message) => sign(null, message, privateKey).toString('base64') };
}

/**
 * Recomputes every prevHash and hash, and points each checkpoint at its new head, so the chain is
 * self-consistent. `resign` re-signs checkpoints with the attacker's key; otherwise the old signatures stay.
 * `keepHeads` leaves each checkpoint's signed seq and hash (its data) as it was.
 */
export function rehash(
  lines: readonly string[], edit: (record: Record<string, unknown>) => void, resign?: CheckpointSigner, keepHeads = false,
): string[] {
  let prev = '0'.repeat(64);
  let prevSignature: string | null = null;
  return lines.map((line, i) => {
    const { hash: _old, ...record } = JSON.parse(line) as Record<string, unknown>;
    if (i === 1) edit(record);
    record['seq'] = i + 1;
    record['prevHash'] = prev;
    if (record['type'] === 'audit.checkpoint' && !keepHeads) {
      const data = record['data'] as Record<string, unknown>;
      data['seq'] = i;
      data['hash'] = prev;
      if (resign !== undefined) {
        data['keyId'] = resign.keyId;
        data['prevSignature'] = prevSignature;
        const msg = `aws-guard-audit-checkpoint/1 seq=${i} hash=${prev} ts=${String(record['ts'])} prev=${prevSignature ?? 'none'}`;
        data['signature'] = resign.sign(Buffer.from(msg, 'ascii'));
        prevSignature = data['signature'] as string;
      }
    }
    prev = computeRecordHash(prev, record);
    return JSON.stringify({ ...record, hash: prev });
  });
}
