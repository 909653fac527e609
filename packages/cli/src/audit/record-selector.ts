// Turns audit lines, in file order, into the records a reader shows: parsed and checked one by one (a record that
// is not sound is reported, never shown), joined to its request, and kept only if it passes the filters.
// Linking records into a chain is `audit verify`'s job, not this one's.
import type { AuditRecord } from '@aws-guard/shared/audit/audit-record';
import { parseRecordLine, type RecordLineCode } from '@aws-guard/shared/audit/parse-record-line';
import type { AuditFilters } from './audit-filters.js';
import { matchesAuditFilters } from './match-audit-record.js';
import { createRequestContext, type RequestView } from './request-context.js';

export type SelectedLine =
  | Readonly<{ kind: 'shown'; line: string; record: AuditRecord; view: RequestView }>
  | Readonly<{ kind: 'filtered' }>
  | Readonly<{ kind: 'bad'; code: RecordLineCode; seq: number | null; message: string }>;

export type RecordSelector = Readonly<{ select: (line: string) => SelectedLine }>;

/** Every line must go through one selector in order, filtered or not: later records need earlier context. */
export function createRecordSelector(filters: AuditFilters): RecordSelector {
  const context = createRequestContext();
  return {
    select(line) {
      const parsed = parseRecordLine(line);
      if (!parsed.ok) return { kind: 'bad', code: parsed.code, seq: parsed.seq, message: parsed.message };
      const view = context.observe(parsed.record);
      return matchesAuditFilters(parsed.record, view, filters) ? { kind: 'shown', line, record: parsed.record, view } : { kind: 'filtered' };
    },
  };
}
