// `aws-guard audit export` and `aws-guard audit tail` (with filters and -f): the readers that select records.
// They read the embedded log, or with --redis the shared stream, directly (no broker needed) and never write to
// it; `audit verify` proves the chain.
import { once } from 'node:events';
import { open, stat } from 'node:fs/promises';
import { readAuditLines, readLogTail } from '@aws-guard/broker/audit/audit-files';
import { listSealedSegments } from '@aws-guard/broker/audit/audit-segments';
import { UserFacingError } from '@aws-guard/shared/errors';
import { hasFilters, parseAuditFilters, type AuditFilterOptions, type AuditFilters } from '../audit/audit-filters.js';
import { escapeForTerminal } from '../audit/format-audit-record.js';
import { formatTailLine } from '../audit/format-tail-line.js';
import { followLines, readLinesFrom } from '../audit/follow-audit-file.js';
import { createRecordSelector, type SelectedLine } from '../audit/record-selector.js';
import { auditRedisUrl, openRedisAuditSource } from '../audit/redis-audit-source.js';
import { toOcsfEvent } from '../audit/to-ocsf-event.js';
import { auditPath } from './audit-data-dir.js';
import { INTERRUPTED_EXIT, type CommandContext } from './command-context.js';

export type AuditReadIo = Pick<CommandContext, 'env' | 'stdout' | 'stderr' | 'version'>;
export type AuditReadDeps = Readonly<{
  now?: () => Date;
  /** Ends `tail -f`; by default SIGINT (Ctrl-C) does. */
  signal?: AbortSignal;
  wait?: (ms: number, signal: AbortSignal) => Promise<void>;
  pollMs?: number;
}>;
export type AuditTailOptions = AuditFilterOptions & Readonly<{ dataDir?: string; redis?: string; lines?: string; json?: boolean; follow?: boolean }>;
export const EXPORT_FORMATS = ['jsonl', 'ocsf'] as const;
export type AuditExportOptions = AuditFilterOptions & Readonly<{ dataDir?: string; redis?: string; format?: string; output?: string }>;

export const DEFAULT_TAIL_LINES = 10;

/** Shows the last N matching records, then with -f every new one until Ctrl-C (exit 130). Exit 1 if any record was unsound. */
export async function runFilteredTail(opts: AuditTailOptions, io: AuditReadIo, deps: AuditReadDeps = {}): Promise<number> {
  const problems: string[] = [];
  const count = opts.lines === undefined ? DEFAULT_TAIL_LINES : Number(opts.lines);
  if (!Number.isSafeInteger(count) || count < 1) problems.push(`-n must be a positive whole number, not ${opts.lines}`);
  const filters = checkedFilters(opts, problems, deps, 'audit tail');
  const source = await tailSource(opts, io, deps);
  const selector = createRecordSelector(filters);
  let unsound = 0;
  const show = (selected: SelectedLine, print: (text: string) => void): void => {
    if (selected.kind === 'bad') {
      unsound++;
      io.stderr.write(`aws-guard: a record cannot be shown: ${selected.code}: ${escapeForTerminal(selected.message)}; run \`aws-guard audit verify\`\n`);
    } else if (selected.kind === 'shown') print(opts.json ? selected.line : formatTailLine(selected.record, selected.view));
  };
  const last: string[] = [];
  const keepLast = (text: string): void => {
    last.push(text);
    if (last.length > count) last.shift();
  };
  try {
    // Filters need the context of earlier records, so with any the whole log is read; without, the last lines.
    await source.scan(hasFilters(filters) ? null : count, (line) => show(selector.select(line), keepLast));
    for (const text of last) io.stdout.write(`${text}\n`);
    if (opts.follow) {
      const failure = await untilSigint(deps, (signal) => source.follow(deps, signal, (line) => show(selector.select(line), (text) => io.stdout.write(`${text}\n`))));
      if (failure !== undefined) {
        io.stderr.write(`aws-guard: stopped following: ${failure}\n`);
        return 1;
      }
      // Following ends only when interrupted: not a success to a script (`tail -f … && next`), like `replay`.
      if (unsound === 0) return INTERRUPTED_EXIT;
    }
  } finally {
    source.close();
  }
  return unsound === 0 ? 0 : 1;
}

/** Where tail reads: the data dir's file, or the shared Redis stream. */
type TailSource = Readonly<{
  /** The last `count` lines, or with null every line, in order. */
  scan: (count: number | null, each: (line: string) => void) => Promise<void>;
  /** After scan: each new line until the signal aborts; returns why it stopped early, if it did. */
  follow: (deps: AuditReadDeps, signal: AbortSignal, each: (line: string) => void) => Promise<string | undefined>;
  close: () => void;
}>;

async function tailSource(opts: AuditTailOptions, io: AuditReadIo, deps: AuditReadDeps): Promise<TailSource> {
  const url = auditRedisUrl(opts.redis, io.env);
  if (url !== undefined) {
    const redis = await openRedisAuditSource(url, deps.pollMs);
    let lastId = '0-0';
    return {
      scan: async (count, each) => void (lastId = await redis.scan(count, each)),
      follow: async (_deps, signal, each) => void (await redis.follow(lastId, signal, each)),
      close: redis.close,
    };
  }
  const path = auditPath(opts.dataDir, io);
  let end: ScanEnd = { offset: 0, ino: null };
  return {
    scan: async (count, each) => void (end = await missingAsUsage(path, count === null ? scanWhole(path, each) : scanTail(path, count, each))),
    follow: (deps, signal, each) => follow(path, end, deps, signal, each),
    close: () => {},
  };
}

/** Writes every matching record as JSON Lines (as stored, or as OCSF events) to --output or stdout. */
export async function runAuditExport(opts: AuditExportOptions, io: AuditReadIo, deps: AuditReadDeps = {}): Promise<number> {
  const problems: string[] = [];
  if (!(EXPORT_FORMATS as readonly (string | undefined)[]).includes(opts.format)) {
    problems.push(`--format must be one of ${EXPORT_FORMATS.join(', ')}${opts.format === undefined ? '' : `, not ${opts.format}`}`);
  }
  const filters = checkedFilters(opts, problems, deps, 'audit export');
  const reader = await exportSource(opts, io);
  try {
    return await exportLines(opts, io, filters, reader);
  } finally {
    reader.close();
  }
}

type ExportSource = Readonly<{
  lines: AsyncIterable<string>;
  tornTail: () => Readonly<{ bytes: number }> | null;
  /** The log file, which --output must not name; null for the Redis stream. */
  path: string | null;
  close: () => void;
}>;

async function exportSource(opts: AuditExportOptions, io: AuditReadIo): Promise<ExportSource> {
  const url = auditRedisUrl(opts.redis, io.env);
  if (url !== undefined) {
    const redis = await openRedisAuditSource(url);
    return { lines: redis.lines(), tornTail: () => null, path: null, close: redis.close };
  }
  const path = auditPath(opts.dataDir, io);
  await missingAsUsage(path, open(path, 'r').then((fh) => fh.close()).then(() => 0));
  return { ...readAuditLines(path), path, close: () => {} };
}

async function exportLines(opts: AuditExportOptions, io: AuditReadIo, filters: AuditFilters, reader: ExportSource): Promise<number> {
  const output = opts.output === undefined ? undefined : await openOutput(opts.output, reader.path);
  const out = output?.stream ?? io.stdout;
  const selector = createRecordSelector(filters);
  let exported = 0;
  let unsound = 0;
  for await (const line of reader.lines) {
    const selected = selector.select(line);
    if (selected.kind === 'bad') {
      unsound++;
      io.stderr.write(`aws-guard: record not exported: ${selected.code}${selected.seq === null ? '' : ` (seq ${selected.seq})`}: ${escapeForTerminal(selected.message)}\n`);
      continue;
    }
    if (selected.kind !== 'shown') continue;
    const text = opts.format === 'ocsf' ? JSON.stringify(toOcsfEvent(selected.record, selected.view, { version: io.version })) : selected.line;
    exported++;
    // Respect back-pressure: an export of a large log to a slow pipe must not pile up in memory.
    if (!out.write(`${text}\n`)) await once(out, 'drain');
    output?.throwIfFailed();
  }
  await output?.close();
  // A live log may be mid-append: its unfinished last line is left for the next export, not an error.
  if (reader.tornTail() !== null) io.stderr.write('aws-guard: the last line of the log is incomplete (being written?) and was not exported\n');
  if (opts.output !== undefined) io.stderr.write(`exported ${exported} records to ${opts.output}\n`);
  if (unsound > 0) io.stderr.write(`aws-guard: ${unsound} records could not be read; run \`aws-guard audit verify\`\n`);
  return unsound === 0 ? 0 : 1;
}

function checkedFilters(opts: AuditFilterOptions, problems: string[], deps: AuditReadDeps, command: string): AuditFilters {
  const parsed = parseAuditFilters(opts, (deps.now ?? (() => new Date()))());
  const all = [...problems, ...(parsed.ok ? [] : parsed.issue.details ?? [parsed.issue.message])];
  if (all.length > 0) throw new UserFacingError('AUDIT_USAGE', `${command}: ${all.join('; ')}`, 2);
  return parsed.ok ? parsed.value : {};
}

/** Where the lines read end: an offset in the active file, and that file's inode (to follow it across a rotation). */
type ScanEnd = Readonly<{ offset: number; ino: number | null }>;

/** Reads the last `count` lines only (no filters: nothing before them can be shown), into earlier segments if need be. */
async function scanTail(path: string, count: number, each: (line: string) => void): Promise<ScanEnd> {
  const tail = await readLogTail(path, count);
  for (const line of tail.lines) each(line);
  return { offset: tail.activeEnd, ino: tail.activeIno };
}

/** Reads every line, sealed segments first (filters need the context of earlier records). */
async function scanWhole(path: string, each: (line: string) => void): Promise<ScanEnd> {
  for (const segment of await listSealedSegments(path)) {
    for await (const line of readAuditLines(segment.path).lines) each(line);
  }
  const { ino } = await stat(path);
  for (let offset = 0; ;) {
    const read = await readLinesFrom(path, offset);
    if (!read.ok) throw new UserFacingError(read.code, read.message, 1);
    if (read.lines.length === 0) return { offset, ino };
    for (const line of read.lines) each(line);
    offset = read.next;
  }
}

/** Runs `work` until the signal (default: SIGINT, Ctrl-C) aborts it. */
async function untilSigint<T>(deps: AuditReadDeps, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  if (deps.signal === undefined) process.once('SIGINT', onSigint);
  try {
    return await work(deps.signal ?? controller.signal);
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
}

/** Follows the file until the signal aborts; returns why it stopped early, if it did. */
async function follow(path: string, end: ScanEnd, deps: AuditReadDeps, signal: AbortSignal, each: (line: string) => void): Promise<string | undefined> {
  for await (const batch of followLines(path, end.offset, { signal, ino: end.ino, ...optionalDeps(deps) })) {
    if (!batch.ok) return `${batch.code}: ${batch.message}`;
    for (const line of batch.lines) each(line);
  }
  return undefined;
}

type Output = Readonly<{ stream: NodeJS.WritableStream; throwIfFailed: () => void; close: () => Promise<void> }>;

/** Mode 0600 like the log itself: an export holds the same argv and names. Write errors surface as one failure. */
async function openOutput(path: string, logPath: string | null): Promise<Output> {
  // Opening for writing truncates: never let a mistyped --output empty the log being exported (or any link to it).
  const target = await stat(path).catch(() => null);
  // Any segment of it: a sealed one is as much the log as audit.jsonl.
  const segments = target === null || logPath === null ? [] : [logPath, ...(await listSealedSegments(logPath)).map((seg) => seg.path)];
  for (const segment of segments) {
    const log = await stat(segment).catch(() => null);
    if (log !== null && target?.dev === log.dev && target.ino === log.ino) {
      throw new UserFacingError('AUDIT_USAGE', `--output ${path} is the audit log itself (${segment})`, 2);
    }
  }
  const fh = await open(path, 'w', 0o600).catch((e: unknown) => {
    throw new UserFacingError('AUDIT_OUTPUT_UNWRITABLE', `cannot write ${path}: ${(e as Error).message}`, 1);
  });
  const stream = fh.createWriteStream();
  let failure: Error | undefined;
  stream.on('error', (e) => (failure ??= e));
  const throwIfFailed = () => {
    if (failure !== undefined) throw new UserFacingError('AUDIT_OUTPUT_UNWRITABLE', `cannot write ${path}: ${failure.message}`, 1);
  };
  const close = async () => {
    await new Promise<void>((done) => stream.end(done));
    throwIfFailed();
  };
  return { stream, throwIfFailed, close };
}

const optionalDeps = (deps: AuditReadDeps) => ({
  ...(deps.wait === undefined ? {} : { wait: deps.wait }),
  ...(deps.pollMs === undefined ? {} : { pollMs: deps.pollMs }),
});

async function missingAsUsage<T>(path: string, work: Promise<T>): Promise<T> {
  return work.catch((e: unknown) => {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new UserFacingError('AUDIT_LOG_MISSING', `no audit log at ${path} (wrong --data-dir?)`, 1);
    throw e;
  });
}
