// Cross-field checks on the policy's `credentials` list that the schema cannot express: unique mapping ids and a
// selector on every mapping. Reads the raw document defensively, like check-policy-rules.ts.
import { checkListedEntries, type PolicyProblem } from './check-listed-entries.js';

/** A mapping for everyone would silently replace the broker's configured mode; saying so takes `agents: ['*']`. */
const MAPPINGS = { key: 'credentials', noun: 'mapping', selectors: ['agents', 'humans', 'groups', 'issuers'], selectorHint: "agents: ['*'] maps every caller" } as const;

export const checkRoleMappings = (doc: unknown): PolicyProblem[] => checkListedEntries(doc, MAPPINGS);
