// One audit record as one line for a person reading `aws-guard audit tail`: time, seq, who, event, command,
// exit code. Everything shown is escaped: argv comes from agents and must not drive the reader's terminal.
import type { AuditRecord } from '@aws-guard/shared/audit/audit-record';

const WHO_WIDTH = 20;
const TYPE_WIDTH = 18;

/** `argvByRequest` supplies the command for records after `command.requested` (they carry only the request id). */
export function formatAuditRecord(record: AuditRecord, argvByRequest: ReadonlyMap<string, readonly string[]>): string {
  const argv = argvOf(record) ?? (record.requestId === undefined ? undefined : argvByRequest.get(record.requestId));
  const parts = [
    record.ts,
    `#${record.seq}`,
    escapeForTerminal(who(record)).padEnd(WHO_WIDTH),
    escapeForTerminal(record.type).padEnd(TYPE_WIDTH),
  ];
  if (argv !== undefined) parts.push(`aws ${argv.map(quoteArg).join(' ')}`);
  else if (record.requestId !== undefined) parts.push(`request ${escapeForTerminal(record.requestId)}`);
  const exitCode = record.data.exitCode;
  if (typeof exitCode === 'number') parts.push(`exit ${exitCode}`);
  if (record.code !== undefined) parts.push(`[${escapeForTerminal(record.code)}]`);
  return parts.join('  ').trimEnd();
}

/** The argv a `command.requested` record carries in `data.argv`, if it is a list of strings. */
export function argvOf(record: AuditRecord): readonly string[] | undefined {
  const argv = record.data.argv;
  return Array.isArray(argv) && argv.every((a) => typeof a === 'string') ? (argv as string[]) : undefined;
}

function who(record: AuditRecord): string {
  const { kind, agent, human } = record.actor;
  if (agent !== undefined && human !== undefined) return `${agent} for ${human}`;
  return agent ?? human ?? kind;
}

/** Quotes an argument the way a POSIX shell would need it, for display only (nothing here is ever run). */
export function quoteArg(arg: string): string {
  const shown = escapeForTerminal(arg);
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(shown) ? shown : `'${shown.replace(/'/g, `'\\''`)}'`;
}

// C0 and C1 controls, DEL, and the bidirectional overrides that can make text read differently than it is.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

export function escapeForTerminal(text: string): string {
  return text.replace(UNSAFE, (c) => {
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
