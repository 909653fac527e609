// The audit record format v1 (docs/audit-format.md): one schema used by the broker that writes records and by
// every verifier that reads them. Must not change meaning without bumping `v`; new event types need no bump.
import { z } from 'zod';

export const AUDIT_RECORD_VERSION = 1;
/** No record line (JSON plus its newline) is longer: it bounds what readers buffer and what a torn line can be. */
export const MAX_RECORD_BYTES = 1024 * 1024;

/** Event types written today. Stable: never renamed, never reused for another meaning. */
export const AUDIT_EVENT_TYPES = [
  'broker.started',
  'broker.stopped',
  // Written by the log itself at start-up (never through append): commands a crash left unfinished.
  'broker.recovered',
  'policy.loaded',
  // A WebSocket upgrade whose bearer token verified (the connection opens only once this is durable), or one
  // refused with 401/403 (rate-limited: a flood becomes a few records and one count of the rest).
  'token.accepted',
  'token.rejected',
  'command.requested',
  // The policy's decision, after `command.requested` and before anything the decision allows.
  'command.decided',
  'command.refused',
  'command.started',
  'command.executed',
  'command.cancelled',
  'command.failed',
  'approval.requested',
  'approval.approved',
  'approval.denied',
  'approval.consumed',
  'approval.expired',
  'approval.cancelled',
  // The non-secret side of the credentials a command runs with, before the CLI (or its dry run) starts.
  'credentials.issued',
  // Written by the log itself (never through append): a signed checkpoint, check-checkpoints.ts.
  'audit.checkpoint',
  // A connection's token replaced by a fresh one for the same identity (auth.refresh), or a refresh refused.
  'token.refreshed',
] as const;
export type AuditEventType = (typeof AUDIT_EVENT_TYPES)[number];

/** The records that end a command: after `command.requested`, exactly one of these follows unless the broker
 * died first (which the next start records as `broker.recovered`). */
export const TERMINAL_COMMAND_TYPES = ['command.executed', 'command.refused', 'command.cancelled', 'command.failed'] as const;

export const ACTOR_KINDS = ['agent', 'approver', 'admin', 'broker'] as const;
export type ActorKind = (typeof ACTOR_KINDS)[number];

export const isAuditEventType = (type: string): type is AuditEventType =>
  (AUDIT_EVENT_TYPES as readonly string[]).includes(type);

const HEX_SHA256 = /^[0-9a-f]{64}$/;
/** `noun.verb`, lower case: readers accept types newer than their own list, so this checks the shape only. */
const EVENT_TYPE_SHAPE = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/;

export const auditActorSchema = z.looseObject({
  kind: z.enum(ACTOR_KINDS),
  agent: z.string().min(1).optional(),
  human: z.string().min(1).optional(),
  role: z.string().min(1).optional(),
});

/**
 * One record as it appears on a line. Loose objects on purpose: a field added later (without a version bump)
 * is still covered by the hash, so an older verifier can check a newer log. Validate with this schema, but
 * always hash the object as parsed from JSON, never zod's output.
 */
export const auditRecordSchema = z.looseObject({
  v: z.literal(AUDIT_RECORD_VERSION),
  seq: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
  ts: z.iso.datetime(),
  type: z.string().regex(EVENT_TYPE_SHAPE),
  code: z.string().min(1).optional(),
  requestId: z.string().min(1).optional(),
  sessionId: z.string().min(1).optional(),
  actor: auditActorSchema,
  data: z.record(z.string(), z.unknown()),
  prevHash: z.string().regex(HEX_SHA256),
  hash: z.string().regex(HEX_SHA256),
});

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

export type AuditActor = Readonly<{
  kind: ActorKind;
  /** The agent's name from its token. */
  agent?: string;
  /** The human the agent acts for, or the approver/admin themself. */
  human?: string;
  /** The token's role (`agent`, `approver`, `admin`). */
  role?: string;
}>;

export type AuditRecord = Readonly<{
  v: typeof AUDIT_RECORD_VERSION;
  seq: number;
  /** UTC, `Date.prototype.toISOString()` form. */
  ts: string;
  type: string;
  /** A stable outcome code (`FORBIDDEN_OPTION`, `EXEC_TIMEOUT`), where the event has one. */
  code?: string;
  requestId?: string;
  sessionId?: string;
  actor: AuditActor;
  data: JsonObject;
  /** `hash` of the record before, or GENESIS_HASH for seq 1. */
  prevHash: string;
  /** computeRecordHash(prevHash, this record without `hash`). */
  hash: string;
}>;

export type UnhashedAuditRecord = Omit<AuditRecord, 'hash'>;

/** What a writer is asked to append; seq, ts, prevHash and hash are assigned by the log. */
export type AuditEvent = Readonly<{
  type: AuditEventType;
  code?: string;
  requestId?: string;
  sessionId?: string;
  actor: AuditActor;
  data: JsonObject;
}>;

export const auditEventSchema = z.strictObject({
  type: z.enum(AUDIT_EVENT_TYPES),
  code: z.string().min(1).optional(),
  requestId: z.string().min(1).optional(),
  sessionId: z.string().min(1).optional(),
  actor: z.strictObject({
    kind: z.enum(ACTOR_KINDS),
    agent: z.string().min(1).optional(),
    human: z.string().min(1).optional(),
    role: z.string().min(1).optional(),
  }),
  data: z.record(z.string(), z.unknown()),
});
