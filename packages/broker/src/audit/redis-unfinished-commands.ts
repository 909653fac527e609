// Start-up of a broker on the shared Redis chain after a crash: the commands *this* broker requested since its own
// last start without a terminal record (docs/audit-format.md "Redis store"). Other brokers' records are skipped by
// the entry's broker id (`b`); the stream is read backwards, from the end to this broker's last start.
import { TERMINAL_COMMAND_TYPES } from '@aws-guard/shared/audit/audit-record';
import { parseRecordLine } from '@aws-guard/shared/audit/parse-record-line';
import type { Redis } from 'ioredis';
import { commandRecordOf, entryOf, listWithinBudget, type UnfinishedCommand, type UnfinishedScan } from './find-unfinished-commands.js';
import { BROKER_FIELD, RECORD_FIELD, type RedisAuditKeys } from './redis-audit-scripts.js';

const CHUNK_ENTRIES = 1000;
const TERMINAL: ReadonlySet<string> = new Set(TERMINAL_COMMAND_TYPES);

type Entry = [id: string, fields: string[]];

const fieldOf = (fields: readonly string[], name: string): string | undefined => {
  for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === name) return fields[i + 1];
  return undefined;
};

/** As findUnfinishedCommands, for the entries `brokerId` wrote; a command it requested and ended is not listed. */
export async function findRedisUnfinishedCommands(redis: Redis, keys: RedisAuditKeys, brokerId: string): Promise<UnfinishedScan> {
  // Backwards, an end is met before its request: requests whose end was seen are dropped, the rest are unfinished.
  const ended = new Set<string>();
  const unfinished: UnfinishedCommand[] = [];
  let boundary: { seq: number; previousStart: number | null } | null = null;
  for (let end = '+'; boundary === null;) {
    const entries = (await redis.xrevrange(keys.stream, end, '-', 'COUNT', CHUNK_ENTRIES)) as Entry[];
    for (const [, fields] of entries) {
      if (fieldOf(fields, BROKER_FIELD) !== brokerId) continue;
      const line = fieldOf(fields, RECORD_FIELD) ?? '';
      boundary = boundaryOf(line);
      if (boundary !== null) break;
      const record = line.includes('"type":"command.') ? commandRecordOf(line) : null;
      if (record === null) continue;
      if (TERMINAL.has(record.type)) ended.add(record.requestId);
      else if (record.type === 'command.requested' && !ended.delete(record.requestId)) unfinished.unshift(entryOf(record));
    }
    const last = entries.at(-1);
    if (last === undefined || entries.length < CHUNK_ENTRIES) break;
    end = `(${last[0]}`;
  }
  return {
    unfinished: listWithinBudget(unfinished),
    count: unfinished.length,
    previousStart: boundary?.previousStart ?? null,
    scannedAfter: boundary?.seq ?? 0,
  };
}

/** This broker's last `broker.started` (or `broker.recovered`, whose finds are not reported twice): the full check. */
function boundaryOf(line: string): { seq: number; previousStart: number | null } | null {
  if (!line.includes('"type":"broker.')) return null;
  const parsed = parseRecordLine(line);
  if (!parsed.ok) return null;
  const { type, seq, data } = parsed.record;
  if (type === 'broker.started') return { seq, previousStart: seq };
  if (type !== 'broker.recovered') return null;
  const previous = data['previousStart'];
  return { seq, previousStart: typeof previous === 'number' ? previous : null };
}
