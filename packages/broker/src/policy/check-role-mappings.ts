// Cross-field checks on the policy's `credentials` list that the schema cannot express: unique mapping ids and a
// selector on every mapping. Reads the raw document defensively, like check-policy-rules.ts.
import type { PolicyProblem } from './check-policy-rules.js';

/** A mapping for everyone would silently replace the broker's configured mode; saying so takes `agents: ['*']`. */
const SELECTORS = ['agents', 'humans', 'groups', 'issuers'] as const;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export const checkRoleMappings = (doc: unknown): PolicyProblem[] => {
  if (!isRecord(doc) || !Array.isArray(doc['credentials'])) return [];
  const problems: PolicyProblem[] = [];
  const firstIndexById = new Map<string, number>();
  doc['credentials'].forEach((mapping: unknown, index) => {
    if (!isRecord(mapping)) return;
    const at = ['credentials', index] as const;
    const id = mapping['id'];
    if (typeof id === 'string') {
      const first = firstIndexById.get(id);
      if (first !== undefined) problems.push({ path: [...at, 'id'], message: `duplicate mapping id "${id}" (first used by credentials.${first})` });
      else firstIndexById.set(id, index);
    }
    if (!SELECTORS.some((key) => mapping[key] !== undefined))
      problems.push({ path: at, message: `needs at least one of ${SELECTORS.join(', ')} (agents: ['*'] maps every caller)` });
  });
  return problems;
};
