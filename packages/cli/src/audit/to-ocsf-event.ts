// One audit record as one OCSF API Activity event (class 6003, schema 1.1.0) for a SIEM. The mapping table is
// docs/audit-export.md: the two must agree. `metadata.uid`/`sequence` are the record's hash and seq, so every
// SIEM event leads back to a record whose place in the chain `audit verify` can prove.
import { isIP } from 'node:net';
import type { AuditRecord, JsonObject, JsonValue } from '@aws-guard/shared/audit/audit-record';
import { API_ACTIVITY, classifyApiActivity } from './classify-api-activity.js';
import type { RequestView } from './request-context.js';

export const OCSF_SCHEMA_VERSION = '1.1.0';
export const OCSF_API_ACTIVITY = Object.freeze({ class_uid: 6003, class_name: 'API Activity', category_uid: 6, category_name: 'Application Activity' });

const STATUS = Object.freeze({ Success: 1, Failure: 2, Other: 99 } as const);
type StatusName = keyof typeof STATUS;
const SEVERITY = Object.freeze({ Informational: 1, Low: 2, Medium: 3 } as const);
type SeverityName = keyof typeof SEVERITY;

// Steps whose outcome is not known yet are status Other ("Pending"): a SIEM must not count them as successes.
// `broker.recovered` is a failure: commands a crash cut short, whose outcome nobody knows.
const STATUS_BY_TYPE: Readonly<Record<string, StatusName>> = {
  'command.requested': 'Other', 'command.started': 'Other', 'approval.requested': 'Other',
  'command.refused': 'Failure', 'command.failed': 'Failure', 'command.cancelled': 'Failure',
  'approval.denied': 'Failure', 'approval.expired': 'Failure', 'approval.cancelled': 'Failure',
  'token.rejected': 'Failure', 'broker.recovered': 'Failure',
};
// A refusal, an approver's denial or a refused token is what an analyst looks for first; failures of the broker
// itself come next. A deny decision is followed by its `command.refused`, which carries the severity.
const SEVERITY_BY_TYPE: Readonly<Record<string, SeverityName>> = {
  'command.refused': 'Medium', 'approval.denied': 'Medium', 'token.rejected': 'Medium', 'broker.recovered': 'Medium', 'command.failed': 'Low',
};
const USER_TYPE = Object.freeze({ User: 1, Admin: 2, System: 3, Other: 99 } as const);

export type OcsfEvent = { [key: string]: JsonValue };
export type OcsfProduct = Readonly<{ version: string }>;

export function toOcsfEvent(record: AuditRecord, view: RequestView, product: OcsfProduct): OcsfEvent {
  const isCommand = record.requestId !== undefined;
  const activity = isCommand ? classifyApiActivity(view.apiOperation, view.operation) : 'Other';
  const activityId = API_ACTIVITY[activity];
  const status = statusOf(record);
  const severity = SEVERITY_BY_TYPE[record.type] ?? 'Informational';
  // `credentials.issued` is the credentials; the terminal records carry them in `credentials`.
  const credentials = record.type === 'credentials.issued' ? record.data : asObject(record.data['credentials']);
  const exitCode = record.data['exitCode'];
  const reason = detailOf(record);
  const remote = record.data['remoteAddress'];
  return {
    ...OCSF_API_ACTIVITY,
    activity_id: activityId,
    activity_name: activity,
    type_uid: OCSF_API_ACTIVITY.class_uid * 100 + activityId,
    type_name: `API Activity: ${activity}`,
    time: Date.parse(record.ts),
    severity_id: SEVERITY[severity],
    severity,
    status_id: STATUS[status],
    status: status === 'Other' ? 'Pending' : status,
    ...(record.code === undefined ? {} : { status_code: record.code }),
    ...(typeof reason === 'string' ? { status_detail: reason } : {}),
    message: messageOf(record, view),
    actor: actorOf(record, credentials),
    api: {
      operation: isCommand ? view.apiOperation ?? view.operation ?? record.type : record.type,
      service: { name: isCommand ? view.service ?? 'aws' : 'aws-guard' },
      ...(record.requestId === undefined ? {} : { request: { uid: record.requestId } }),
      ...(typeof exitCode === 'number' || record.code !== undefined
        ? { response: { ...(typeof exitCode === 'number' ? { code: exitCode } : {}), ...(record.code === undefined ? {} : { error: record.code }) } }
        : {}),
    },
    // Only token records carry the client's address; the AWS call itself leaves from the broker's host.
    src_endpoint: { svc_name: 'aws-guard', ...(typeof remote === 'string' && isIP(remote) !== 0 ? { ip: remote } : {}) },
    cloud: { provider: 'AWS', ...(view.region === undefined ? {} : { region: view.region }) },
    metadata: {
      product: { name: 'aws-guard', vendor_name: 'aws-guard', version: product.version },
      version: OCSF_SCHEMA_VERSION,
      profiles: ['cloud'],
      uid: record.hash,
      sequence: record.seq,
      original_time: record.ts,
      ...(record.requestId === undefined ? {} : { correlation_uid: record.requestId }),
    },
    unmapped: unmappedOf(record, view),
  };
}

function statusOf(record: AuditRecord): StatusName {
  if (record.type === 'command.executed') return record.data['exitCode'] === 0 ? 'Success' : 'Failure';
  // A deny is the command's end (refused next); allow and approve leave the outcome open.
  if (record.type === 'command.decided') return record.data['decision'] === 'deny' ? 'Failure' : 'Other';
  // A refresh the broker did not take carries the refusal's code (identity.md "Tokens that rotate").
  if (record.type === 'token.refreshed') return record.code === undefined ? 'Success' : 'Failure';
  return STATUS_BY_TYPE[record.type] ?? 'Success';
}

/** status_detail: the record's reason; for a crash report, what it means for the commands it lists. */
function detailOf(record: AuditRecord): string | undefined {
  const { data } = record;
  if (record.type === 'broker.recovered') return `${String(data['count'])} command(s) left unfinished by the previous broker: outcome unknown`;
  if (record.type === 'token.rejected' && typeof data['suppressed'] === 'number') return `${data['suppressed']} more refused connection(s), counted`;
  return typeof data['reason'] === 'string' ? data['reason'] : undefined;
}

/** The human is the user (as CloudTrail's SourceIdentity names them); the agent is the app acting for them. */
function actorOf(record: AuditRecord, credentials: JsonObject | undefined): JsonObject {
  const { kind, agent, human } = record.actor;
  const type: keyof typeof USER_TYPE = kind === 'broker' ? 'System' : kind === 'admin' ? 'Admin' : human !== undefined ? 'User' : 'Other';
  const name = kind === 'broker' ? 'aws-guard' : human ?? agent ?? kind;
  const keyId = credentials?.['accessKeyId'];
  const roleArn = credentials?.['roleArn'];
  return {
    user: { name, type_id: USER_TYPE[type], type, ...(typeof keyId === 'string' ? { credential_uid: keyId } : {}) },
    ...(agent === undefined ? {} : { app_name: agent }),
    ...(record.sessionId === undefined && typeof roleArn !== 'string' ? {} : {
      session: { ...(record.sessionId === undefined ? {} : { uid: record.sessionId }), ...(typeof roleArn === 'string' ? { issuer: roleArn } : {}) },
    }),
  };
}

function messageOf(record: AuditRecord, view: RequestView): string {
  const command = view.argv === undefined ? '' : `: aws ${view.argv.join(' ')}`;
  return `${record.type}${command}`;
}

/** Everything the mapped fields do not carry, so that nothing of the record is lost on the way to a SIEM. */
function unmappedOf(record: AuditRecord, view: RequestView): JsonObject {
  const { v, seq, type, prevHash, hash, actor, data } = record;
  return {
    v, seq, type, prevHash, hash,
    actor: { ...actor },
    ...(view.decision === undefined ? {} : { decision: view.decision }),
    ...(view.approvers.length === 0 ? {} : { approvers: [...view.approvers] }),
    ...(view.requester === undefined || record.actor.kind === 'agent' ? {} : { requester: { ...view.requester } }),
    data,
  };
}

const asObject = (value: JsonValue | undefined): JsonObject | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? value : undefined;
