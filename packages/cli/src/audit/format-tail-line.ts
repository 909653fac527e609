// One record as one line of `aws-guard audit tail`: time, #seq, who (agent for human), event, command, decision,
// approvers, what the event adds (rule, role and key, reason and peer, an external token's issuer), exit code,
// outcome code. Everything shown is escaped: argv and names come from tokens and agents.
import type { AuditRecord } from '@aws-guard/shared/audit/audit-record';
import { BROKER_ISSUER_NAME } from '@aws-guard/broker/auth/trusted-issuer';
import { escapeForTerminal, quoteArg } from './format-audit-record.js';
import type { RequestView } from './request-context.js';

const WHO_WIDTH = 20;
const TYPE_WIDTH = 18;

export function formatTailLine(record: AuditRecord, view: RequestView): string {
  const parts = [record.ts, `#${record.seq}`, escapeForTerminal(who(record)).padEnd(WHO_WIDTH), escapeForTerminal(record.type).padEnd(TYPE_WIDTH)];
  if (view.argv !== undefined) parts.push(`aws ${view.argv.map(quoteArg).join(' ')}`);
  else if (record.requestId !== undefined) parts.push(`request ${escapeForTerminal(record.requestId)}`);
  if (view.decision !== undefined) parts.push(view.decision);
  if (view.approvers.length > 0) parts.push(`by ${view.approvers.map(escapeForTerminal).join(', ')}`);
  const more = detail(record);
  if (more !== undefined) parts.push(escapeForTerminal(more));
  const exitCode = record.data['exitCode'];
  if (typeof exitCode === 'number') parts.push(`exit ${exitCode}`);
  if (record.code !== undefined) parts.push(`[${escapeForTerminal(record.code)}]`);
  return parts.join('  ').trimEnd();
}

function who(record: AuditRecord): string {
  const { kind, agent, human } = record.actor;
  if (kind === 'approver' && human !== undefined) return `${human} (approver)`;
  if (agent !== undefined && human !== undefined) return `${agent} for ${human}`;
  return agent ?? human ?? kind;
}

const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

// Broker-issued tokens (issuer name `aws-guard`, and records from before the name was audited) show no issuer: the
// name is shown only where it says something, for a token from an external issuer (docs/identity.md).
function withIssuer(data: AuditRecord['data'], text: string | undefined): string | undefined {
  const name = str(data['issuerName']);
  if (name === undefined || name === BROKER_ISSUER_NAME) return text;
  return text === undefined ? `issuer ${name}` : `${text}, issuer ${name}`;
}

/** What the newer event types add to the line; undefined for the rest. */
function detail(record: AuditRecord): string | undefined {
  const { data } = record;
  switch (record.type) {
    case 'command.decided':
      return `rule ${str(data['rule']) ?? '?'}`;
    case 'credentials.issued':
      return `as ${str(data['roleArn']) ?? 'the broker'} key ${str(data['accessKeyId']) ?? '?'}${data['reused'] === true ? ' (reused)' : ''}`;
    case 'token.accepted':
      return withIssuer(data, `${str(data['channel']) ?? '?'} from ${str(data['remoteAddress']) ?? '?'}`);
    case 'token.refreshed':
      return withIssuer(data, undefined);
    case 'token.rejected':
      return typeof data['suppressed'] === 'number'
        ? `${data['suppressed']} more refused`
        : `${str(data['reason']) ?? '?'} from ${str(data['remoteAddress']) ?? '?'}`;
    default:
      return undefined;
  }
}
