// The record filters shared by `audit tail` and `audit export`: parsed and checked once, every problem reported
// together, then frozen. Matching a record against them is match-audit-record.ts.
import { parseDuration } from '@aws-guard/shared/duration';
import { failAll, ok, type Result } from '@aws-guard/shared/result';
import { globToRegExp } from '@aws-guard/shared/command/match-glob';

export const DECISIONS = ['allow', 'deny', 'approve'] as const;
export type Decision = (typeof DECISIONS)[number];

/** The options as commander hands them over: strings, all optional. */
export type AuditFilterOptions = Readonly<{
  since?: string;
  until?: string;
  session?: string;
  agent?: string;
  human?: string;
  decision?: string;
  type?: string;
}>;

export type AuditFilters = Readonly<{
  /** Epoch milliseconds, inclusive. */
  since?: number;
  /** Epoch milliseconds, exclusive, so that `--since X --until Y` then `--since Y` never shows a record twice. */
  until?: number;
  sessionId?: string;
  agent?: RegExp;
  human?: RegExp;
  decision?: Decision;
  type?: RegExp;
}>;

export const NO_FILTERS: AuditFilters = Object.freeze({});

// What an operator types: a full ISO 8601 time (the audit's own `ts` form, or any offset), or a date alone.
const ISO_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/;

/** `now` resolves durations (`--since 2h` is two hours before now). Returns every problem at once. */
export function parseAuditFilters(opts: AuditFilterOptions, now: Date): Result<AuditFilters, 'AUDIT_USAGE'> {
  const problems: string[] = [];
  const time = (flag: string, text: string | undefined): number | undefined => {
    if (text === undefined) return undefined;
    const at = parseTime(text, now);
    if (typeof at === 'string') problems.push(`--${flag}: ${at}`);
    return typeof at === 'number' ? at : undefined;
  };
  const glob = (flag: string, text: string | undefined): RegExp | undefined => {
    if (text === undefined) return undefined;
    if (text === '') problems.push(`--${flag}: must not be empty`);
    // Case-sensitive: agent and human names are compared as the tokens spell them.
    return globToRegExp(text, { caseInsensitive: false });
  };
  const since = time('since', opts.since);
  const until = time('until', opts.until);
  if (since !== undefined && until !== undefined && since >= until) {
    problems.push(`--since (${new Date(since).toISOString()}) must be before --until (${new Date(until).toISOString()})`);
  }
  if (opts.session === '') problems.push('--session: must not be empty');
  const decision = opts.decision;
  if (decision !== undefined && !(DECISIONS as readonly string[]).includes(decision)) {
    problems.push(`--decision: "${decision}" is not one of ${DECISIONS.join(', ')}`);
  }
  const filters: AuditFilters = {
    ...(since === undefined ? {} : { since }),
    ...(until === undefined ? {} : { until }),
    ...(opts.session === undefined ? {} : { sessionId: opts.session }),
    ...optional('agent', glob('agent', opts.agent)),
    ...optional('human', glob('human', opts.human)),
    ...optional('type', glob('type', opts.type)),
    ...(decision === undefined ? {} : { decision: decision as Decision }),
  };
  if (problems.length > 0) return failAll('AUDIT_USAGE', `invalid filters: ${problems.join('; ')}`, problems);
  return ok(Object.freeze(filters));
}

export const hasFilters = (filters: AuditFilters): boolean => Object.keys(filters).length > 0;

/** An ISO time or a duration before `now`; a string says what is wrong. */
function parseTime(text: string, now: Date): number | string {
  if (ISO_TIME.test(text)) {
    const at = Date.parse(text);
    return Number.isNaN(at) ? `"${text}" is not a valid time` : at;
  }
  const duration = parseDuration(text);
  if (duration.ok) return now.getTime() - duration.value;
  return `"${text}" is neither an ISO time (2026-11-26T14:00:00Z, 2026-11-26) nor a duration (30m, 2h, 7d)`;
}

const optional = <K extends string>(key: K, value: RegExp | undefined): { [P in K]?: RegExp } =>
  (value === undefined ? {} : { [key]: value }) as { [P in K]?: RegExp };
