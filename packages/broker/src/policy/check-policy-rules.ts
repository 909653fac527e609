// Cross-field checks that a schema cannot express: unique rule ids, a selector on every rule, approval settings
// only on approve rules, durations that parse, timeouts within bounds. Reads the raw document defensively so that
// its problems are reported together with the schema's, whatever else is wrong.
import { formatDuration, parseDuration } from '@aws-guard/shared/duration';
import { checkListedEntries, isRecord, type PolicyProblem } from './check-listed-entries.js';
import { MAX_RULE_TIMEOUT_MS } from './policy.js';

export type { PolicyProblem };

const RULES = { key: 'rules', noun: 'rule', selectors: ['actions', 'commands', 'risks'], selectorHint: "actions: ['*'] matches every command" } as const;

/** Problems with the path of the offending node, in the form load-policy uses for schema issues too. */
export const checkPolicyRules = (doc: unknown): PolicyProblem[] =>
  checkListedEntries(doc, RULES, (rule, at, problems) => {
    if (rule['approval'] !== undefined && rule['effect'] !== 'approve')
      problems.push({ path: [...at, 'approval'], message: 'only a rule with effect approve takes approval settings' });
    const approval = rule['approval'];
    if (isRecord(approval) && typeof approval['expires'] === 'string') {
      const expires = parseDuration(approval['expires']);
      if (!expires.ok && /^\d+(ms|s|m|h|d)$/.test(approval['expires'])) problems.push({ path: [...at, 'approval', 'expires'], message: expires.issue.message });
    }
    if (typeof rule['timeout'] === 'string' && /^\d+(ms|s|m|h|d)$/.test(rule['timeout'])) {
      const timeout = parseDuration(rule['timeout']);
      if (!timeout.ok) problems.push({ path: [...at, 'timeout'], message: timeout.issue.message });
      else if (timeout.value > MAX_RULE_TIMEOUT_MS)
        problems.push({ path: [...at, 'timeout'], message: `must be at most ${formatDuration(MAX_RULE_TIMEOUT_MS)}: a command's AWS credentials must outlive it, and STS sessions last at most 12h` });
    }
  });
