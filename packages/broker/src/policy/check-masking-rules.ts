// Cross-field checks on the policy's `masking` list that the schema cannot express: unique ids, a command
// selector on every entry, mask or reveal (never both), a named audience for every reveal, and patterns that
// compile and cannot match nothing. Reads the raw document defensively, like check-policy-rules.ts.
import { checkListedEntries, type PolicyProblem } from './check-listed-entries.js';

const ENTRIES = { key: 'masking', noun: 'masking', selectors: ['actions', 'commands', 'risks'], selectorHint: "which commands' output it applies to" } as const;
/** A reveal to every caller must be said out loud (`agents: ['*']`), never be the result of a forgotten key. */
const AUDIENCE_SELECTORS = ['agents', 'humans', 'groups', 'roles', 'issuers'] as const;
const MASKS = ['mask', 'patterns'] as const;

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

export const checkMaskingRules = (doc: unknown): PolicyProblem[] =>
  checkListedEntries(doc, ENTRIES, (entry, at, problems) => {
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
