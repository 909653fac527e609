// Durations as operators write them in flags and config (`90s`, `15m`, `8h`, `2d`, `500ms`).
import { fail, ok, type Result } from './result.js';

const UNIT_MS = Object.freeze({ ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const);
const DURATION = /^(\d+)(ms|s|m|h|d)$/;

export const parseDuration = (text: string): Result<number, 'INVALID_DURATION'> => {
  const match = DURATION.exec(text.trim());
  if (!match) return fail('INVALID_DURATION', `"${text}" is not a duration (examples: 30s, 15m, 8h, 2d)`);
  const ms = Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
  if (!Number.isSafeInteger(ms)) return fail('INVALID_DURATION', `"${text}" is too long`);
  return ms > 0 ? ok(ms) : fail('INVALID_DURATION', `"${text}" must be greater than zero`);
};

export const formatDuration = (ms: number): string => {
  for (const [unit, size] of [['d', UNIT_MS.d], ['h', UNIT_MS.h], ['m', UNIT_MS.m], ['s', UNIT_MS.s]] as const) {
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
};
