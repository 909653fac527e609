import t from 'tap';
import type { AuditEvent, AuditRecord } from '@aws-guard/shared/audit/audit-record';
import { readAuditLines, auditDirOf, auditFilePath } from '@aws-guard/broker/audit/audit-files';
import { classifyApiActivity } from '../src/audit/classify-api-activity.js';
import { createRecordSelector } from '../src/audit/record-selector.js';
import { OCSF_SCHEMA_VERSION, toOcsfEvent, type OcsfEvent } from '../src/audit/to-ocsf-event.js';
import { ocsfProblems, OCSF_VERSION } from './audit-export-ocsf-6003.fixture.js';
import { CREDENTIALS, EVENTS, dataDirWith, tsOf } from './audit-export-log.fixture.js';

async function exportedEvents(dir: string): Promise<Map<number, OcsfEvent>> {
  const selector = createRecordSelector({});
  const events = new Map<number, OcsfEvent>();
  for await (const line of readAuditLines(auditFilePath(auditDirOf(dir))).lines) {
    const s = selector.select(line);
    if (s.kind === 'shown') events.set(s.record.seq, toOcsfEvent(s.record, s.view, { version: '9.9.9' }));
  }
  return events;
}

t.test('the fixture targets the schema version the exporter writes', async (t) => {
  t.equal(OCSF_SCHEMA_VERSION, OCSF_VERSION);
});

t.test('the fixture catches an event that lacks what 6003 requires', async (t) => {
  t.ok(ocsfProblems({}).length > 10);
  t.ok(ocsfProblems({ actor: { user: {} } }).includes('actor.user needs one of account, name, uid'));
  t.ok(ocsfProblems({ class_uid: 6003, activity_id: 2, type_uid: 600303 }).includes('type_uid is not class_uid * 100 + activity_id'));
  t.ok(ocsfProblems({ actor: {} }).includes('actor needs one of process, user, invoked_by, session, app_name, app_uid'));
});

t.test('every exported event has the required fields of OCSF 1.1.0 API Activity', async (t) => {
  const { dir } = await dataDirWith(t);
  const events = await exportedEvents(dir);
  t.equal(events.size, 12);
  for (const [seq, event] of events) t.same(ocsfProblems(event), [], `seq ${seq}`);
});

t.test('the mapping: activity, status, severity, actor, api, trace back to the chain', async (t) => {
  const { dir } = await dataDirWith(t);
  const events = await exportedEvents(dir);
  const cases: ReadonlyArray<[number, Record<string, unknown>]> = [
    [1, { activity_id: 99, status_id: 1, severity_id: 1, api: { operation: 'broker.started', service: { name: 'aws-guard' } }, actor: { user: { name: 'aws-guard', type_id: 3 } } }],
    [2, { activity_id: 2, type_uid: 600302, status_id: 99, status: 'Pending', api: { operation: 'ListBuckets', service: { name: 's3api' }, request: { uid: 'r1' } },
      actor: { user: { name: 'alice', type_id: 1 }, app_name: 'claude', session: { uid: 's1' } }, cloud: { provider: 'AWS', region: 'eu-west-1' },
      metadata: { sequence: 2, correlation_uid: 'r1', original_time: tsOf(2), product: { name: 'aws-guard', version: '9.9.9' } } }],
    [4, { status_id: 1, status: 'Success', api: { response: { code: 0 } },
      actor: { user: { credential_uid: CREDENTIALS.accessKeyId }, session: { uid: 's1', issuer: CREDENTIALS.roleArn } },
      unmapped: { decision: 'allow', data: { credentials: { sourceIdentity: 'alice' } } } }],
    [6, { activity_id: 2, status_id: 2, severity_id: 3, severity: 'Medium', status_code: 'LOCAL_ONLY_COMMAND', status_detail: 'local only',
      api: { operation: 'list', response: { code: 255, error: 'LOCAL_ONLY_COMMAND' } }, unmapped: { decision: 'deny' } }],
    [9, { activity_id: 4, status_id: 1, actor: { user: { name: 'carol', type_id: 1 } }, unmapped: { requester: { agent: 'codex', human: 'bob' }, approvers: ['carol'] } }],
    [12, { activity_id: 4, type_uid: 600304, status_id: 1, message: 'command.executed: aws s3api delete-bucket --bucket b', unmapped: { decision: 'approve', approvers: ['carol'] } }],
  ];
  for (const [seq, expected] of cases) t.match(events.get(seq), expected, `seq ${seq}`);
  const lines: string[] = [];
  for await (const line of readAuditLines(auditFilePath(auditDirOf(dir))).lines) lines.push(line);
  const stored = JSON.parse(lines[3] ?? '{}') as AuditRecord;
  t.match(events.get(4), { time: Date.parse(stored.ts), metadata: { uid: stored.hash, sequence: stored.seq }, unmapped: { hash: stored.hash, prevHash: stored.prevHash, type: 'command.executed' } });
});

t.test('a failed command is a failure; a record type the exporter does not know still maps', async (t) => {
  const base = { v: 1, ts: tsOf(1), actor: { kind: 'broker' }, prevHash: '0'.repeat(64), hash: 'f'.repeat(64) } as const;
  const view = { approvers: [] };
  const failed = toOcsfEvent({ ...base, seq: 1, type: 'command.executed', requestId: 'r', data: { exitCode: 254 } }, view, { version: '1' });
  t.match(failed, { status_id: 2, status: 'Failure', api: { operation: 'command.executed', service: { name: 'aws' } } });
  const checkpoint = toOcsfEvent({ ...base, seq: 2, type: 'audit.checkpoint', data: { seq: 1 } }, view, { version: '1' });
  t.same(ocsfProblems(checkpoint), []);
  t.match(checkpoint, { activity_id: 99, status_id: 1, api: { operation: 'audit.checkpoint' }, unmapped: { data: { seq: 1 } } });
});

t.test('classifyApiActivity takes the verb of the API name, else of the CLI operation', async (t) => {
  const cases: ReadonlyArray<[string | undefined, string | undefined, string]> = [
    ['ListBuckets', 'list-buckets', 'Read'],
    ['DescribeInstances', undefined, 'Read'],
    ['BatchGetItem', 'batch-get-item', 'Read'],
    ['BatchWriteItem', 'batch-write-item', 'Other'],
    ['CreateBucket', undefined, 'Create'],
    ['PutObject', undefined, 'Create'],
    ['RunInstances', undefined, 'Create'],
    ['ModifyInstanceAttribute', undefined, 'Update'],
    ['AttachRolePolicy', undefined, 'Update'],
    ['DeleteBucket', undefined, 'Delete'],
    ['TerminateInstances', undefined, 'Delete'],
    [undefined, 'ls', 'Read'],
    [undefined, 'rm', 'Delete'],
    [undefined, 'sync', 'Update'],
    [undefined, 'mb', 'Create'],
    [undefined, 'wizard', 'Other'],
    [undefined, undefined, 'Other'],
  ];
  for (const [api, cli, expected] of cases) t.equal(classifyApiActivity(api, cli), expected, `${api ?? '-'} / ${cli ?? '-'}`);
});

// The event types added with issue 7's list: a connection accepted and refused, a decision, credentials.
const agent = { kind: 'agent', agent: 'claude', human: 'alice', role: 'agent' } as const;
const NEWER: readonly AuditEvent[] = [
  { type: 'token.accepted', sessionId: 's9', actor: agent, data: { channel: 'agent', tokenId: 'jti-9', issuer: 'aws-guard', keyId: 'k-1', groups: [], expiresAt: tsOf(60), remoteAddress: '192.0.2.7' } },
  { type: 'command.requested', requestId: 'r9', sessionId: 's9', actor: agent, data: { argv: ['s3api', 'list-buckets'], service: 's3api', operation: 'list-buckets', apiOperation: 'ListBuckets' } },
  { type: 'command.decided', requestId: 'r9', sessionId: 's9', actor: agent, data: { decision: 'allow', rule: 'read', policyHash: 'a'.repeat(64), risk: 'read', reason: null, timeoutMs: null, mappingId: null } },
  { type: 'credentials.issued', requestId: 'r9', sessionId: 's9', actor: agent, data: { ...CREDENTIALS, requestTag: 'r9' } },
  { type: 'command.requested', requestId: 'r10', sessionId: 's9', actor: agent, data: { argv: ['s3api', 'delete-bucket', '--bucket', 'b'], service: 's3api', operation: 'delete-bucket', apiOperation: 'DeleteBucket' } },
  { type: 'command.decided', requestId: 'r10', sessionId: 's9', actor: agent, data: { decision: 'deny', rule: 'no-deletes', policyHash: 'a'.repeat(64), risk: 'destructive', reason: 'no deletes here', code: 'POLICY_DENIED' } },
  { type: 'token.rejected', code: 'AUTH_TOKEN_EXPIRED', actor: { kind: 'broker' }, data: { reason: 'expired', channel: 'agent', remoteAddress: '::ffff:192.0.2.8', message: 'the token has expired', unverified: { header: { alg: 'EdDSA' }, claims: { sub: 'bot' } } } },
  { type: 'token.rejected', code: 'AUTH_REJECTIONS_SUPPRESSED', actor: { kind: 'broker' }, data: { suppressed: 41, reasons: { malformed: 41 }, remotes: { '192.0.2.9': 41 }, remotesOmitted: 0, firstAt: tsOf(19), lastAt: tsOf(20) } },
];

t.test('the newer event types: each is a conforming 6003 event with a sensible activity, status and actor', async (t) => {
  const { dir } = await dataDirWith(t, [...EVENTS, ...NEWER]);
  const events = await exportedEvents(dir);
  for (let seq = 13; seq <= 20; seq++) t.same(ocsfProblems(events.get(seq) ?? {}), [], `seq ${seq}: ${String(events.get(seq)?.['message'])}`);
  const cases: ReadonlyArray<[number, Record<string, unknown>]> = [
    [13, { activity_id: 99, status_id: 1, severity_id: 1, api: { operation: 'token.accepted', service: { name: 'aws-guard' } }, src_endpoint: { svc_name: 'aws-guard', ip: '192.0.2.7' },
      actor: { user: { name: 'alice', type_id: 1 }, app_name: 'claude', session: { uid: 's9' } } }],
    [15, { activity_id: 2, status_id: 99, status: 'Pending', api: { operation: 'ListBuckets', request: { uid: 'r9' } }, unmapped: { decision: 'allow', data: { rule: 'read' } } }],
    [16, { activity_id: 2, status_id: 1, status: 'Success', actor: { user: { credential_uid: CREDENTIALS.accessKeyId }, session: { uid: 's9', issuer: CREDENTIALS.roleArn } } }],
    [18, { activity_id: 4, status_id: 2, status: 'Failure', severity_id: 1, status_detail: 'no deletes here', unmapped: { decision: 'deny' } }],
    [19, { activity_id: 99, status_id: 2, severity_id: 3, status_code: 'AUTH_TOKEN_EXPIRED', status_detail: 'expired', src_endpoint: { ip: '::ffff:192.0.2.8' },
      actor: { user: { name: 'aws-guard', type_id: 3 } }, api: { response: { error: 'AUTH_TOKEN_EXPIRED' } } }],
    [20, { status_id: 2, severity_id: 3, status_code: 'AUTH_REJECTIONS_SUPPRESSED', status_detail: '41 more refused connection(s), counted', unmapped: { data: { suppressed: 41 } } }],
  ];
  for (const [seq, expected] of cases) t.match(events.get(seq), expected, `seq ${seq}`);
  t.notOk('ip' in ((events.get(20)?.['src_endpoint'] ?? {}) as object), 'no single address for a count');
  t.notOk(JSON.stringify(events.get(16)).includes('secret'), 'credentials.issued exports no secret (there is none to export)');
});

t.test('broker.recovered is a failure: the commands it lists have no known outcome', async (t) => {
  const record: AuditRecord = { v: 1, seq: 1, ts: tsOf(1), type: 'broker.recovered', actor: { kind: 'broker' }, prevHash: '0'.repeat(64), hash: 'f'.repeat(64),
    data: { unfinished: [{ requestId: 'r1', sessionId: 's1', argv: ['s3', 'sync', '.', 's3://b'], requestedAt: tsOf(0), seq: 2 }], count: 1, omitted: 0, previousStart: 1, scannedAfter: 1 } };
  const event = toOcsfEvent(record, { approvers: [] }, { version: '1' });
  t.same(ocsfProblems(event), []);
  t.match(event, { status_id: 2, status: 'Failure', severity_id: 3, status_detail: '1 command(s) left unfinished by the previous broker: outcome unknown', activity_id: 99 });
});
