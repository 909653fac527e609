// A small audit log for the tail and export tests: one allowed command, one refused, one approved by another
// human. Record N is written at BASE + N minutes, so time filters can be checked by seq.
import type { Test } from 'tap';
import type { AuditEvent } from '@aws-guard/shared/audit/audit-record';
import { createAuditLog } from '@aws-guard/broker/audit/audit-log';
import { auditDirOf } from '@aws-guard/broker/audit/audit-files';
import type { AuditReadIo } from '../src/commands/audit-export-run.js';

export const BASE = Date.parse('2026-11-26T12:00:00.000Z');
export const tsOf = (seq: number): string => new Date(BASE + seq * 60_000).toISOString();

const claude = { kind: 'agent', agent: 'claude', human: 'alice', role: 'agent' } as const;
const codex = { kind: 'agent', agent: 'codex', human: 'bob', role: 'agent' } as const;
const carol = { kind: 'approver', agent: 'approve-tui', human: 'carol', role: 'approver' } as const;
export const CREDENTIALS = {
  mode: 'assume-role', roleArn: 'arn:aws:iam::123456789012:role/aws-guard-agent', sessionName: 's1', sourceIdentity: 'alice',
  accessKeyId: 'ASIAEXAMPLEKEY000001', expiresAt: '2026-11-26T13:00:00.000Z', requestTag: 'r1', reused: false, mappingId: null,
};

export const EVENTS: readonly AuditEvent[] = [
  { type: 'broker.started', actor: { kind: 'broker' }, data: { version: '0.1.0' } },
  { type: 'command.requested', requestId: 'r1', sessionId: 's1', actor: claude,
    data: { argv: ['s3api', 'list-buckets'], service: 's3api', operation: 'list-buckets', apiOperation: 'ListBuckets', region: 'eu-west-1' } },
  { type: 'command.started', requestId: 'r1', sessionId: 's1', actor: claude, data: {} },
  { type: 'command.executed', requestId: 'r1', sessionId: 's1', actor: claude, data: { exitCode: 0, durationMs: 12, rule: 'read', credentials: CREDENTIALS } },
  { type: 'command.requested', requestId: 'r2', sessionId: 's1', actor: claude, data: { argv: ['configure', 'list'], service: 'configure', operation: 'list' } },
  { type: 'command.refused', code: 'LOCAL_ONLY_COMMAND', requestId: 'r2', sessionId: 's1', actor: claude, data: { exitCode: 255, reason: 'local only' } },
  { type: 'command.requested', requestId: 'r3', sessionId: 's2', actor: codex,
    data: { argv: ['s3api', 'delete-bucket', '--bucket', 'b'], service: 's3api', operation: 'delete-bucket', apiOperation: 'DeleteBucket' } },
  { type: 'approval.requested', requestId: 'r3', sessionId: 's2', actor: codex, data: { approvalId: 'a1', rule: 'deletes' } },
  { type: 'approval.approved', requestId: 'r3', actor: carol, data: { approvalId: 'a1', state: 'approved', reason: null } },
  { type: 'approval.consumed', requestId: 'r3', sessionId: 's2', actor: codex, data: { approvalId: 'a1', approvers: ['carol'] } },
  { type: 'command.started', requestId: 'r3', sessionId: 's2', actor: codex, data: {} },
  { type: 'command.executed', requestId: 'r3', sessionId: 's2', actor: codex, data: { exitCode: 0, approvalId: 'a1', approvers: ['carol'] } },
];

/** A data dir whose log holds `events`; the log is left open (for appending) and closed at the test's end. */
export type FixtureLog = Readonly<{ dir: string; append: (event: AuditEvent) => Promise<unknown> }>;

export async function dataDirWith(t: Test, events: readonly AuditEvent[] = EVENTS): Promise<FixtureLog> {
  const dir = t.testdir();
  let now = BASE;
  const log = await createAuditLog({ dir: auditDirOf(dir), clock: () => new Date(now) });
  t.teardown(() => log.close());
  const append = async (event: AuditEvent) => {
    now = BASE + (log.head().seq + 1) * 60_000;
    return log.append(event);
  };
  for (const event of events) await append(event);
  return { dir, append };
}

export function captureIo(env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const io: AuditReadIo = {
    env,
    version: '9.9.9',
    stdout: { write: (s: string) => (out.push(s), true) } as unknown as NodeJS.WritableStream,
    stderr: { write: (s: string) => (err.push(s), true) } as unknown as NodeJS.WritableStream,
  };
  return { io, out: () => out.join(''), err: () => err.join(''), lines: () => out.join('').split('\n').filter((l) => l !== '') };
}
