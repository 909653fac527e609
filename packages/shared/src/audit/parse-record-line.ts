// Turns one line of an audit log into a record that is sound on its own: valid JSON, the v1 schema, and a
// hash that matches its content. Linking records to each other is verifyChain's job (hash-chain.ts).
import { AUDIT_RECORD_VERSION, auditRecordSchema, type AuditRecord } from './audit-record.js';
import { computeRecordHash } from './record-hash.js';

export type RecordLineCode = 'AUDIT_BAD_JSON' | 'AUDIT_UNSUPPORTED_VERSION' | 'AUDIT_BAD_RECORD' | 'AUDIT_HASH_MISMATCH';

export type ParsedRecordLine =
  | Readonly<{ ok: true; record: AuditRecord }>
  | Readonly<{ ok: false; code: RecordLineCode; seq: number | null; message: string }>;

export function parseRecordLine(line: string): ParsedRecordLine {
  if (line.trim() === '') return bad('AUDIT_BAD_JSON', null, 'empty line');
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch (e) {
    return bad('AUDIT_BAD_JSON', null, `not JSON (${(e as Error).message})`);
  }
  const seq = readSeq(raw);
  if (typeof raw === 'object' && raw !== null && 'v' in raw && raw.v !== AUDIT_RECORD_VERSION) {
    return bad('AUDIT_UNSUPPORTED_VERSION', seq, `record version ${JSON.stringify(raw.v)} is not ${AUDIT_RECORD_VERSION}`);
  }
  const checked = auditRecordSchema.safeParse(raw);
  if (!checked.success) {
    const first = checked.error.issues[0];
    const where = first === undefined || first.path.length === 0 ? '' : `${first.path.join('.')}: `;
    return bad('AUDIT_BAD_RECORD', seq, `not an audit record (${where}${first?.message ?? 'invalid'})`);
  }
  // Hash the object exactly as parsed (unknown fields included), never the schema's output.
  const { hash, ...rest } = raw as Record<string, unknown>;
  const expected = computeRecordHash(checked.data.prevHash, rest);
  if (hash !== expected) {
    return bad('AUDIT_HASH_MISMATCH', seq,
      `content does not match its hash (record was edited): hash ${String(hash)}, content hashes to ${expected}`);
  }
  return { ok: true, record: raw as AuditRecord };
}

function readSeq(raw: unknown): number | null {
  if (typeof raw !== 'object' || raw === null || !('seq' in raw)) return null;
  return Number.isSafeInteger(raw.seq) ? (raw.seq as number) : null;
}

const bad = (code: RecordLineCode, seq: number | null, message: string): ParsedRecordLine => ({ ok: false, code, seq, message });
