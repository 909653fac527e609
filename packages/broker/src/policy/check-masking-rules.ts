// Cross-field checks on the policy's `masking` list that the schema cannot express: unique ids, a command
// selector on every entry, mask or reveal (never both), a named audience for every reveal, and patterns that
// compile and cannot match nothing. Reads the raw document defensively, like check-policy-rules.ts.
import type { PolicyProblem } from './check-policy-rules.js';

const COMMAND_SELECTORS = ['actions', 'commands', 'risks'] as const;
/** A reveal to every caller must be said out loud (`agents: ['*']`), never be the result of a forgotten key. */
const AUDIENCE_SELECTORS = ['agents', 'humans', 'groups', 'roles', 'issuers'] as const;
const MASKS = ['mask', 'patterns'] as const;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A pattern the masker can use: it compiles (as masking/plan-document-masking.ts compiles it) and needs a character. */
const patternProblem = (source: string): string | undefined => {
  let regex: RegExp;
  try {
    regex = new RegExp(source, 'g');
  } catch (e) {
    return `not a valid regular expression: ${(e as Error).message}`;
  }
  return regex.test('') ? 'matches the empty string, so it would mask nothing (or everything); anchor it to what a secret looks like' : undefined;
};

export const checkMaskingRules = (doc: unknown): PolicyProblem[] => {
  if (!isRecord(doc) || !Array.isArray(doc['masking'])) return [];
  const problems: PolicyProblem[] = [];
  const firstIndexById = new Map<string, number>();
  doc['masking'].forEach((entry: unknown, index) => {
    if (!isRecord(entry)) return;
    const at = ['masking', index] as const;
    const id = entry['id'];
    if (typeof id === 'string') {
      const first = firstIndexById.get(id);
      if (first !== undefined) problems.push({ path: [...at, 'id'], message: `duplicate masking id "${id}" (first used by masking.${first})` });
      else firstIndexById.set(id, index);
    }
    if (!COMMAND_SELECTORS.some((key) => entry[key] !== undefined))
      problems.push({ path: at, message: `needs at least one of ${COMMAND_SELECTORS.join(', ')} (which commands' output it applies to)` });
    const masks = MASKS.some((key) => entry[key] !== undefined);
    const reveals = entry['reveal'] !== undefined;
    if (masks && reveals)
      problems.push({ path: [...at, 'reveal'], message: 'an entry either masks (mask, patterns) or reveals (reveal): split it in two' });
    if (!masks && !reveals) problems.push({ path: at, message: 'needs mask, patterns or reveal' });
    if (reveals && !AUDIENCE_SELECTORS.some((key) => entry[key] !== undefined))
      problems.push({ path: [...at, 'reveal'], message: `needs at least one of ${AUDIENCE_SELECTORS.join(', ')} to say who sees the values (agents: ['*'] for every caller)` });
    const patterns = entry['patterns'];
    if (Array.isArray(patterns))
      patterns.forEach((source: unknown, i) => {
        const problem = typeof source === 'string' && source !== '' ? patternProblem(source) : undefined;
        if (problem !== undefined) problems.push({ path: [...at, 'patterns', i], message: problem });
      });
  });
  return problems;
};
