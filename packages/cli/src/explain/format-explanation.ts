// The human-readable form of `aws-guard explain`: the parse, the actions, the risk with its reasons, and the
// decision with the rule that made it. The JSON form (explain-command.ts) is the contract; this is for eyes.
import type { ExplainDetail } from './explain-command.js';

const LABEL_WIDTH = 10;

const row = (label: string, value: string): string => `  ${label.padEnd(LABEL_WIDTH)} ${value}`;
const indented = (lines: readonly string[]): string[] => lines.map((l) => `  ${' '.repeat(LABEL_WIDTH)}   - ${l}`);

/** Quotes an argv element only where a shell would need it, so that the line can be pasted back. */
const shellWord = (arg: string): string => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`);

export const formatExplanation = (argv: readonly string[], detail: ExplainDetail, policyLine: string): string => {
  const { command, decision, explanation: e } = detail;
  const lines = [`aws ${argv.map(shellWord).join(' ')}`];
  if (command === undefined || decision === undefined) {
    lines.push(row('error', e.errors.map((x) => `${x.message} [${x.code}]`).join('; ')));
    lines.push(row('decision', `DENY (rule ${e.rule})`), row('policy', policyLine));
    return `${lines.join('\n')}\n`;
  }
  const api = command.apiOperations.length > 0 ? ` → ${command.apiOperations.join(', ')}` : ' (calls no API operation)';
  lines.push(row('command', `${[command.service, command.operation].filter(Boolean).join(' ') || 'aws'}${command.custom ? ' (custom)' : ''}${api}`));
  lines.push(row('actions', command.iamActions.length > 0 ? command.iamActions.join(', ') : '(none)'));
  lines.push(row('region', command.region ?? '(broker default)'));
  for (const f of command.localFiles) lines.push(row('file', `${f.direction === 'in' ? 'reads' : 'writes'} ${f.path} (${f.arg}${f.tree ? ', directory tree' : ''})`));
  lines.push(row('risk', command.risk), ...indented(command.riskReasons));
  const approval = decision.approval;
  const needs = approval === undefined
    ? ''
    : `, ${approval.approvers} approver${approval.approvers === 1 ? '' : 's'}${approval.group === undefined ? '' : ` from ${approval.group}`}${approval.expires === undefined ? '' : `, valid ${approval.expires}`}`;
  lines.push(row('decision', `${decision.decision.toUpperCase()} (rule ${decision.rule}${needs})`));
  lines.push(...indented(decision.reasons.filter((r) => !command.riskReasons.includes(r))));
  lines.push(row('policy', policyLine));
  return `${lines.join('\n')}\n`;
};
