// Start-up after a crash: finds the commands whose `command.requested` has no terminal record since the broker
// last started, for the log to record as `broker.recovered` (docs/audit-format.md "Start-up"). Reads backwards
// only to the last `broker.started` (or `broker.recovered`), then forwards from there to the end.
import { TERMINAL_COMMAND_TYPES } from '@aws-guard/shared/audit/audit-record';
import { parseRecordLine } from '@aws-guard/shared/audit/parse-record-line';
import { stat } from 'node:fs/promises';
import { readAuditLines, type ByteRange } from './audit-files.js';
import { listSealedSegments } from './audit-segments.js';
import { findLastLineInLog, type FoundInLog } from './find-last-line-in-log.js';

/** At most this many are listed; the record stays far below MAX_RECORD_BYTES (1 MiB) with the budget below. */
export const MAX_LISTED_UNFINISHED = 1000;
const LIST_BUDGET_BYTES = 768 * 1024;
/** A longer argv (as JSON) is listed as null: the entry's `seq` leads to the full `command.requested` record. */
export const MAX_LISTED_ARGV_BYTES = 512;

const BOUNDARY_MARKERS = ['"type":"broker.started"', '"type":"broker.recovered"'];
const COMMAND_MARKER = '"type":"command.';
const TERMINAL: ReadonlySet<string> = new Set(TERMINAL_COMMAND_TYPES);

export type UnfinishedCommand = Readonly<{
  requestId: string; sessionId: string | null; argv: string[] | null; requestedAt: string; seq: number;
}>;

export type UnfinishedScan = Readonly<{
  /** Oldest first, at most MAX_LISTED_UNFINISHED (and within the byte budget); `count` says how many in all. */
  unfinished: UnfinishedCommand[];
  count: number;
  /** seq of the last `broker.started` before the end, or null if the log has none. */
  previousStart: number | null;
  /** seq of the record the scan started after: that start, a previous `broker.recovered` (whose finds are not
   * reported twice), or 0 for the whole log. */
  scannedAfter: number;
}>;

/** The last `broker.started` (or `broker.recovered`) a scan stops at: its seq and the start it reports. */
export type Boundary = Readonly<{ seq: number; previousStart: number | null }>;

/** `end` is the byte length of the chain on disk (just after the last complete record). */
export async function findUnfinishedCommands(path: string, end: number): Promise<UnfinishedScan> {
  const boundary = await findLastLineInLog(path, end, BOUNDARY_MARKERS, boundaryOf);
  const open = new Map<string, UnfinishedCommand>();
  // Forwards, a request is open until its end is met. (Redis reads backwards: redis-unfinished-commands.ts.)
  for (const [file, range] of await rangesAfter(path, end, boundary)) {
    for await (const line of readAuditLines(file, range).lines) {
      const record = commandRecordOf(line);
      if (record === null) continue;
      if (record.type === 'command.requested') open.set(record.requestId, entryOf(record));
      else if (isTerminal(record)) open.delete(record.requestId);
    }
  }
  return scanOf([...open.values()], boundary?.value ?? null);
}

/** The scan's result from the commands left open (oldest first) and the boundary the scan stopped at. */
export function scanOf(open: UnfinishedCommand[], boundary: Boundary | null): UnfinishedScan {
  return {
    unfinished: listWithinBudget(open),
    count: open.length,
    previousStart: boundary?.previousStart ?? null,
    scannedAfter: boundary?.seq ?? 0,
  };
}

export const isTerminal = (record: CommandRecord): boolean => TERMINAL.has(record.type);

/** What follows the boundary: the rest of its file, the sealed segments after it, the active file up to `end`. */
async function rangesAfter(path: string, end: number, boundary: FoundInLog<Boundary> | null): Promise<Array<[string, ByteRange]>> {
  const files: Array<[string, ByteRange]> = [];
  if (boundary?.path !== path) {
    const sealed = await listSealedSegments(path);
    const from = boundary === null ? 0 : sealed.findIndex((s) => s.path === boundary.path);
    for (const segment of sealed.slice(from)) {
      const start = segment.path === boundary?.path ? boundary.end : 0;
      files.push([segment.path, { start, end: (await stat(segment.path)).size }]);
    }
  }
  files.push([path, { start: boundary?.path === path ? boundary.end : 0, end }]);
  return files;
}

// Only a few boundary lines are ever parsed, so each gets the full check (schema and hash).
export function boundaryOf(line: string): Boundary | null {
  if (!BOUNDARY_MARKERS.some((marker) => line.includes(marker))) return null;
  const parsed = parseRecordLine(line);
  if (!parsed.ok) return null;
  const { type, seq, data } = parsed.record;
  if (type === 'broker.started') return { seq, previousStart: seq };
  if (type !== 'broker.recovered') return null;
  const previous = data['previousStart'];
  return { seq, previousStart: typeof previous === 'number' ? previous : null };
}

export type CommandRecord = Readonly<{ type: string; requestId: string; seq: number; ts: string; sessionId?: unknown; data?: unknown }>;

/**
 * Every command record since the last start may be read here (a long-running broker's worth), so this parses
 * JSON without re-hashing: start-up trusts the tail record it checked; a record edited in the middle is for
 * `audit verify` to report, and a line that does not parse is skipped for the same reason.
 */
export function commandRecordOf(line: string): CommandRecord | null {
  if (!line.includes(COMMAND_MARKER)) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    return null;
  }
  if (typeof raw !== 'object' || raw === null) return null;
  const { type, requestId, seq, ts } = raw as Record<string, unknown>;
  const sound = typeof type === 'string' && typeof requestId === 'string' && typeof seq === 'number' && typeof ts === 'string';
  return sound ? (raw as CommandRecord) : null;
}

export function entryOf(record: CommandRecord): UnfinishedCommand {
  const argv = (record.data as { argv?: unknown } | undefined)?.argv;
  const listable = Array.isArray(argv) && argv.every((arg) => typeof arg === 'string')
    && Buffer.byteLength(JSON.stringify(argv)) <= MAX_LISTED_ARGV_BYTES;
  return {
    requestId: record.requestId,
    sessionId: typeof record.sessionId === 'string' ? record.sessionId : null,
    argv: listable ? [...(argv as string[])] : null,
    requestedAt: record.ts,
    seq: record.seq,
  };
}

export function listWithinBudget(all: UnfinishedCommand[]): UnfinishedCommand[] {
  const listed: UnfinishedCommand[] = [];
  let bytes = 0;
  for (const entry of all.slice(0, MAX_LISTED_UNFINISHED)) {
    bytes += Buffer.byteLength(JSON.stringify(entry)) + 1;
    if (bytes > LIST_BUDGET_BYTES) break;
    listed.push(entry);
  }
  return listed;
}
