// Start-up of a broker on the shared Redis chain after a crash: the commands *this* broker requested since its own
// last start without a terminal record (docs/audit-format.md "Redis store"). Other brokers' records are skipped by
// the entry's broker id (`b`); the stream is read backwards, from the end to this broker's last start.
import type { Redis } from 'ioredis';
import {
  boundaryOf, commandRecordOf, entryOf, isTerminal, scanOf, type Boundary, type UnfinishedCommand, type UnfinishedScan,
} from './find-unfinished-commands.js';
import { BROKER_FIELD, RECORD_FIELD, type RedisAuditKeys } from './redis-audit-scripts.js';

const CHUNK_ENTRIES = 1000;

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
  let boundary: Boundary | null = null;
  for (let end = '+'; boundary === null;) {
    const entries = (await redis.xrevrange(keys.stream, end, '-', 'COUNT', CHUNK_ENTRIES)) as Entry[];
    for (const [, fields] of entries) {
      if (fieldOf(fields, BROKER_FIELD) !== brokerId) continue;
      const line = fieldOf(fields, RECORD_FIELD) ?? '';
      boundary = boundaryOf(line);
      if (boundary !== null) break;
      const record = commandRecordOf(line);
      if (record === null) continue;
      if (isTerminal(record)) ended.add(record.requestId);
      else if (record.type === 'command.requested' && !ended.delete(record.requestId)) unfinished.unshift(entryOf(record));
    }
    const last = entries.at(-1);
    if (last === undefined || entries.length < CHUNK_ENTRIES) break;
    end = `(${last[0]}`;
  }
  return scanOf(unfinished, boundary);
}
