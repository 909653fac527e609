import t from 'tap';
import {
  AUDIT_EVENT_TYPES, auditEventSchema, auditRecordSchema, isAuditEventType,
} from '@aws-guard/shared/audit/audit-record';
import { makeChain } from './make-chain.js';

t.test('the event types written today are stable', async (t) => {
  t.same([...AUDIT_EVENT_TYPES], [
    'broker.started', 'broker.stopped', 'broker.recovered', 'policy.loaded', 'token.accepted', 'token.rejected',
    'command.requested', 'command.decided', 'command.refused', 'command.started', 'command.executed', 'command.cancelled', 'command.failed',
    'approval.requested', 'approval.approved', 'approval.denied', 'approval.consumed', 'approval.expired', 'approval.cancelled',
    'credentials.issued', 'audit.checkpoint', 'token.refreshed',
  ]);
  t.equal(isAuditEventType('command.requested'), true);
  t.equal(isAuditEventType('command.deleted'), false);
});

t.test('a record as written parses against the schema', async (t) => {
  t.equal(auditRecordSchema.safeParse(makeChain(1)[0]).success, true);
});

const badRecords: Array<[string, Record<string, unknown>]> = [
  ['a zero seq', { seq: 0 }],
  ['a fractional seq', { seq: 1.5 }],
  ['a time that is not ISO', { ts: 'yesterday' }],
  ['a type that is not noun.verb', { type: 'Command Requested' }],
  ['an unknown actor kind', { actor: { kind: 'robot' } }],
  ['data that is an array', { data: [] }],
  ['an upper-case hash', { hash: 'A'.repeat(64) }],
  ['a short prevHash', { prevHash: '0'.repeat(63) }],
];

for (const [name, change] of badRecords) {
  t.test(`the record schema rejects ${name}`, async (t) => {
    t.equal(auditRecordSchema.safeParse({ ...makeChain(1)[0], ...change }).success, false);
  });
}

t.test('an event to append must use a known type and no extra fields', async (t) => {
  const event = { type: 'command.requested', actor: { kind: 'agent', agent: 'claude' }, data: { argv: [] } };
  t.equal(auditEventSchema.safeParse(event).success, true);
  t.equal(auditEventSchema.safeParse({ ...event, type: 'command.exploded' }).success, false);
  t.equal(auditEventSchema.safeParse({ ...event, seq: 4 }).success, false);
  t.equal(auditEventSchema.safeParse({ ...event, actor: { kind: 'agent', token: 'x' } }).success, false);
});
