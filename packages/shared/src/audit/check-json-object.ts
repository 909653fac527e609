// Checks that a value is plain JSON that survives RFC 8785 canonicalization and a JSON.parse round trip
// unchanged, so the hash a writer computes is the hash a verifier recomputes from the line.
import { fail, ok, type Result } from '../result.js';
import type { JsonObject } from './audit-record.js';

const MAX_DEPTH = 64;
// With the `u` flag this matches only unpaired surrogates, which RFC 8785 (I-JSON) forbids.
const LONE_SURROGATE = /\p{Cs}/u;

export type JsonCheckCode = 'AUDIT_DATA_NOT_JSON';

export function checkJsonObject(value: unknown, path = 'data'): Result<JsonObject, JsonCheckCode> {
  if (!isPlainObject(value)) return fail('AUDIT_DATA_NOT_JSON', `${path} must be a plain JSON object`, path);
  const problem = findProblem(value, path, 0);
  return problem === null ? ok(value as JsonObject) : fail('AUDIT_DATA_NOT_JSON', problem.message, problem.path);
}

type Problem = { path: string; message: string };

function findProblem(value: unknown, path: string, depth: number): Problem | null {
  if (depth > MAX_DEPTH) return { path, message: `${path} is nested deeper than ${MAX_DEPTH} levels` };
  if (value === null || typeof value === 'boolean') return null;
  if (typeof value === 'string') {
    return LONE_SURROGATE.test(value) ? { path, message: `${path} contains an unpaired UTF-16 surrogate` } : null;
  }
  if (typeof value === 'number') {
    return Number.isFinite(value) ? null : { path, message: `${path} is not a finite number` };
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const p = findProblem(value[i], `${path}[${i}]`, depth + 1);
      if (p !== null) return p;
    }
    return null;
  }
  if (isPlainObject(value)) {
    for (const [key, child] of Object.entries(value)) {
      if (LONE_SURROGATE.test(key)) return { path, message: `${path} has a key with an unpaired UTF-16 surrogate` };
      const p = findProblem(child, `${path}.${key}`, depth + 1);
      if (p !== null) return p;
    }
    return null;
  }
  return { path, message: `${path} is a ${describe(value)}, not a JSON value` };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'object') return (value as object).constructor?.name ?? 'object';
  return typeof value;
}
