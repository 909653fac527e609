// Reads a policy file once: YAML → schema → cross-field checks, every problem reported together as
// `path: message (line N)`, then a normalised, deep-frozen Policy carrying the sha256 of the file's bytes.
import { fileProblemReason } from '@aws-guard/shared/file-problem';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Document, LineCounter } from 'yaml';
import { parseYamlText } from '../config/parse-yaml-text.js';
import type { z } from 'zod';
import { parseDuration } from '@aws-guard/shared/duration';
import { fail, failAll, ok, type Result } from '@aws-guard/shared/result';
import { checkPolicyRules, type PolicyProblem } from './check-policy-rules.js';
import { checkMaskingRules } from './check-masking-rules.js';
import { checkRoleMappings } from './check-role-mappings.js';
import { BUILTIN_DEFAULTS, DEFAULT_APPROVAL, type MaskingRule, type Policy, type PolicyRule, type RoleMapping } from './policy.js';
import { policySchema, type MaskingRuleInput, type PolicyInput, type PolicyRuleInput } from './policy-schema.js';

export type PolicyLoadCode = 'POLICY_INVALID' | 'POLICY_UNREADABLE';

const explainIssue = (issue: z.core.$ZodIssue): PolicyProblem[] => {
  if (issue.code === 'unrecognized_keys')
    return issue.keys.map((key) => ({
      path: [...issue.path, key] as (string | number)[],
      message:
        key === 'forbidden' && issue.path.length === 1 && issue.path[0] === 'defaults'
          ? 'forbidden commands are always denied; this cannot be configured'
          : 'unknown key (misspelt?)',
    }));
  const missing = issue.code === 'invalid_type' && issue.input === undefined;
  return [{ path: issue.path as (string | number)[], message: missing ? 'is required' : issue.message }];
};

/** `rules.3.effect: … (line 12, rule "deny-x")`: where to look, in the file and among the rules and mappings. */
const formatProblem = (problem: PolicyProblem, doc: Document, lines: LineCounter): string => {
  const path = problem.path.map(String).join('.') || '(policy)';
  const notes: string[] = [];
  for (let depth = problem.path.length; depth >= 0; depth--) {
    const node = doc.getIn(problem.path.slice(0, depth), true) as { range?: [number, number, number] } | undefined;
    if (node?.range) {
      notes.push(`line ${lines.linePos(node.range[0]).line}`);
      break;
    }
  }
  const [list, index] = problem.path;
  const kind = list === 'rules' ? 'rule' : list === 'credentials' ? 'mapping' : list === 'masking' ? 'masking' : undefined;
  if (kind !== undefined && typeof index === 'number') {
    const id = doc.getIn([list, index, 'id']);
    if (typeof id === 'string' && problem.path.length > 2) notes.push(`${kind} "${id}"`);
  }
  return `${path}: ${problem.message}${notes.length > 0 ? ` (${notes.join(', ')})` : ''}`;
};

const deepFreeze = <T>(value: T): T => {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
};

/** A single glob becomes a list of one. */
const normaliseParams = (params: PolicyRuleInput['params']): Pick<PolicyRule, 'params'> =>
  params === undefined ? {} : { params: Object.fromEntries(Object.entries(params).map(([k, v]) => [k, typeof v === 'string' ? [v] : v])) };

const normaliseRule = (rule: PolicyRuleInput): PolicyRule => {
  const { params, approval, timeout, ...rest } = rule;
  // check-policy-rules has already refused a timeout that does not parse.
  const timeoutMs = timeout === undefined ? undefined : parseDuration(timeout);
  const normalised: PolicyRule = {
    ...rest,
    ...(timeoutMs?.ok ? { timeoutMs: timeoutMs.value } : {}),
    ...normaliseParams(params),
    ...(rule.effect === 'approve' ? { approval: { ...DEFAULT_APPROVAL, ...approval } } : {}),
  };
  return normalised;
};

const normaliseMasking = ({ params, ...rest }: MaskingRuleInput): MaskingRule => ({
  ...rest,
  ...normaliseParams(params),
});

const normalise = (input: PolicyInput, hash: string, source: string): Policy => ({
  version: 1,
  rules: input.rules.map(normaliseRule),
  credentials: (input.credentials ?? []).map((mapping): RoleMapping => ({ ...mapping })),
  masking: (input.masking ?? []).map(normaliseMasking),
  defaults: { ...BUILTIN_DEFAULTS, ...Object.fromEntries(Object.entries(input.defaults ?? {}).filter(([, v]) => v !== undefined)) },
  hash,
  source,
});

/** Parses policy text (no I/O). `source` names it in messages; the hash is over the UTF-8 bytes of `text`. */
export const parsePolicy = (text: string, source: string): Result<Policy, 'POLICY_INVALID'> => {
  const parsed = parseYamlText(text);
  if (!parsed.ok) {
    const problems = parsed.issue.details ?? [parsed.issue.message];
    return failAll('POLICY_INVALID', `${source}: invalid YAML:\n  ${problems.join('\n  ')}`, problems);
  }
  const { doc, lines } = parsed.value;
  const raw: unknown = doc.toJS();
  const checked = policySchema.safeParse(raw, { reportInput: true });
  const found = [...(checked.success ? [] : checked.error.issues.flatMap(explainIssue)), ...checkPolicyRules(raw), ...checkRoleMappings(raw), ...checkMaskingRules(raw)];
  if (found.length > 0 || !checked.success) {
    const problems = found.map((p) => formatProblem(p, doc, lines));
    return failAll('POLICY_INVALID', `${source}: invalid policy (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n  ${problems.join('\n  ')}`, problems);
  }
  const hash = createHash('sha256').update(text, 'utf8').digest('hex');
  return ok(deepFreeze(normalise(checked.data, hash, source)));
};

/** Reads and parses a policy file. A policy that cannot be read or is invalid is an error, never a fallback. */
export const loadPolicy = (file: string): Result<Policy, PolicyLoadCode> => {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    return fail('POLICY_UNREADABLE', `${file}: cannot read the policy: ${fileProblemReason(e)}`);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return fail('POLICY_INVALID', `${file}: the policy is not UTF-8 text`);
  }
  return parsePolicy(text, file);
};
