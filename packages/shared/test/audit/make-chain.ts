// Builds well-formed audit chains for tests, hashing with the same function the broker uses.
import { computeRecordHash, GENESIS_HASH } from '@aws-guard/shared/audit/hash-chain';
import type { AuditRecord, UnhashedAuditRecord } from '@aws-guard/shared/audit/audit-record';

export function makeChain(count: number, prevHash = GENESIS_HASH, firstSeq = 1): AuditRecord[] {
  const records: AuditRecord[] = [];
  for (let i = 0; i < count; i++) {
    const seq = firstSeq + i;
    const record = makeRecord({
      seq,
      ts: new Date(Date.UTC(2025, 0, 1, 0, 0, seq)).toISOString(),
      type: seq % 2 === 1 ? 'command.requested' : 'command.executed',
      requestId: `req-${Math.ceil(seq / 2)}`,
      actor: { kind: 'agent', agent: 'claude', human: 'alice', role: 'agent' },
      data: seq % 2 === 1 ? { argv: ['s3api', 'list-buckets'] } : { exitCode: 0, durationMs: 12 },
      prevHash,
    });
    records.push(record);
    prevHash = record.hash;
  }
  return records;
}

export function makeRecord(fields: Omit<UnhashedAuditRecord, 'v'> & Record<string, unknown>): AuditRecord {
  const { hash: _stale, ...rest } = fields;
  const unhashed = { v: 1 as const, ...rest };
  return { ...unhashed, hash: computeRecordHash(fields.prevHash, unhashed) } as AuditRecord;
}

export const toLines = (records: readonly object[]): string[] => records.map((r) => JSON.stringify(r));
