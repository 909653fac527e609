// Applies the risk table (risk-rules.ts) to a parsed command: the highest risk of everything it does wins.
// No rule knowledge lives here, only how a rule matches; forbidden uses found by the parser always win.
import { RISKS, type ParsedCommand, type Risk } from './aws-command.js';
import { IAM_CASE, EXACT_CASE, matchAnyGlob } from './match-glob.js';
import { RISK_RULES, type OptionCondition, type RiskRule } from './risk-rules.js';

export type RiskVerdict = Readonly<{ risk: Risk; reasons: readonly string[] }>;

type Finding = Readonly<{ risk: Risk; reason: string }>;

const severity = (risk: Risk): number => RISKS.indexOf(risk);

const optionValues = (cmd: ParsedCommand, cond: OptionCondition): readonly (string | true)[] | undefined => {
  const value = (cond.in === 'params' ? cmd.params : cmd.globals)[cond.name];
  if (value === undefined) return undefined;
  return Array.isArray(value) ? value : [value as string | true];
};

const conditionHolds = (cmd: ParsedCommand, cond: OptionCondition): boolean => {
  const values = optionValues(cmd, cond);
  if (cond.absent) return values === undefined;
  if (values === undefined) return false;
  if (cond.values === undefined) return true;
  const patterns = cond.values;
  return values.some((v) => matchAnyGlob(patterns, v === true ? 'true' : v, EXACT_CASE));
};

const describeCondition = (cond: OptionCondition): string =>
  cond.absent ? `without --${cond.name}` : `with --${cond.name}`;

/** The CLI command as rules name it: `s3 rb`, `eks get-token`, `configure set`, `login`. */
export const commandName = (cmd: Pick<ParsedCommand, 'service' | 'operation'>): string =>
  `${cmd.service} ${cmd.operation}`.trim();

/** The actions a rule's `actions`/`notActions` select among the command's IAM actions. */
const selectedActions = (rule: RiskRule, cmd: ParsedCommand): readonly string[] => {
  const actions = rule.actions;
  if (actions === undefined) return [];
  const excluded = rule.notActions ?? [];
  return cmd.iamActions.filter((a) => matchAnyGlob(actions, a, IAM_CASE) && !matchAnyGlob(excluded, a, IAM_CASE));
};

/** One rule against one command: what it matched (for the reason), or undefined. */
const matchRule = (rule: RiskRule, cmd: ParsedCommand): { subject: string; actions: readonly string[] } | undefined => {
  const subjects: string[] = [];
  const actions = selectedActions(rule, cmd);
  if (rule.actions !== undefined) {
    if (actions.length === 0) return undefined;
    subjects.push(actions.join(', '));
  }
  if (rule.apiOperations !== undefined) {
    const patterns = rule.apiOperations;
    const ops = cmd.apiOperations.filter((op) => matchAnyGlob(patterns, `${cmd.service}:${op}`, IAM_CASE));
    if (ops.length === 0) return undefined;
    if (rule.actions === undefined) subjects.push(`API ${ops.join(', ')}`);
  }
  if (rule.commands !== undefined) {
    const name = commandName(cmd);
    if (!matchAnyGlob(rule.commands, name, IAM_CASE)) return undefined;
    if (subjects.length === 0) subjects.push(name);
  }
  if (rule.when !== undefined) {
    const held = rule.when.find((cond) => conditionHolds(cmd, cond));
    if (held === undefined) return undefined;
    subjects.push(describeCondition(held));
  }
  return { subject: subjects.join(' '), actions };
};

const fallbacks = (cmd: ParsedCommand, classified: ReadonlySet<string>, matchedAny: boolean): Finding[] => {
  const unclassified = cmd.iamActions.filter((a) => !classified.has(a));
  const found: Finding[] = unclassified.map((a) => ({ risk: 'write', reason: `${a}: not a read-only verb, so it may change resources (default write)` }));
  if (cmd.localOnly)
    return cmd.forbidden.length > 0 ? found : [{ risk: 'read', reason: `${commandName(cmd) || 'aws'}: prints help, a version or a skeleton; nothing is called` }];
  if (matchedAny || cmd.iamActions.length > 0) return found;
  if (cmd.apiOperations.length > 0)
    return [{ risk: 'write', reason: `${commandName(cmd)}: calls ${cmd.apiOperations.join(', ')} with no known IAM action (default write)` }];
  // A custom command that calls no API is local signing (presign, get-token) or a local side effect: assume bearer material.
  return [{ risk: 'secret_read', reason: `${commandName(cmd)}: a custom command that calls no API operation may print credential-derived material` }];
};

/** Classifies a parsed command against the given rules (RISK_RULES unless a test passes its own). */
export const classifyRisk = (cmd: ParsedCommand, rules: readonly RiskRule[] = RISK_RULES): RiskVerdict => {
  const findings: Finding[] = cmd.forbidden.map((f) => ({
    risk: 'forbidden',
    reason: `${f.arg}${f.resolved !== undefined && f.resolved !== f.arg ? ` (${f.resolved})` : ''}: ${f.reason} [${f.code}]`,
  }));
  const classified = new Set<string>();
  let matchedAny = false;
  // Help, --version and skeletons call nothing: only the forbidden net applies to them.
  const applicable = cmd.localOnly ? rules.filter((r) => r.risk === 'forbidden') : rules;
  for (const rule of applicable) {
    const hit = matchRule(rule, cmd);
    if (hit === undefined) continue;
    matchedAny = true;
    for (const action of hit.actions) classified.add(action);
    findings.push({ risk: rule.risk, reason: `${hit.subject}: ${rule.reason} [${rule.id}]` });
  }
  findings.push(...fallbacks(cmd, classified, matchedAny));

  const risk = findings.reduce<Risk>((top, f) => (severity(f.risk) > severity(top) ? f.risk : top), 'read');
  // Highest risk first, then table order: the first reason is the one that decided the class.
  const ordered = findings
    .map((f, i) => ({ f, i }))
    .sort((a, b) => severity(b.f.risk) - severity(a.f.risk) || a.i - b.i)
    .map(({ f }) => `${f.risk}: ${f.reason}`);
  return Object.freeze({ risk, reasons: Object.freeze([...new Set(ordered)]) });
};
