// Renders docs/risk.md from the risk table, so that the documentation is the table (scripts/generate-risk-doc.mjs
// writes it; a test fails when the committed file differs).
import { RISKS, type Risk } from './aws-command.js';
import { RISK_RULES, type OptionCondition, type RiskRule } from './risk-rules.js';

const MEANING: Readonly<Record<Risk, string>> = {
  read: 'reads configuration or data without changing it',
  write: 'changes resources; the default for any action that is not a read-only verb',
  destructive: 'data or resources are lost or become unreachable',
  privilege: 'changes who can access what, or how access is watched (IAM, resource policies, ACLs, security groups, KMS grants, audit logging)',
  secret_read: 'a "read" that hands out secrets or credential-derived bearer material',
  forbidden: 'refused whatever the policy says (DESIGN §7.5, §7.6)',
};

const code = (items: readonly string[]): string => items.map((i) => `\`${i}\``).join(' ');

const condition = (c: OptionCondition): string => {
  const option = c.in === 'globals' ? `global --${c.name}` : `--${c.name}`;
  if (c.absent) return `without ${option}`;
  return c.values === undefined ? option : `${option} = ${code(c.values)}`;
};

const matches = (rule: RiskRule): string => {
  const parts: string[] = [];
  if (rule.actions) parts.push(`actions ${code(rule.actions)}`);
  if (rule.notActions) parts.push(`except ${code(rule.notActions)}`);
  if (rule.apiOperations) parts.push(`API operations ${code(rule.apiOperations)}`);
  if (rule.commands) parts.push(`commands ${code(rule.commands)}`);
  if (rule.when) parts.push(`when any of: ${rule.when.map(condition).join('; ')}`);
  return parts.join('<br>');
};

const table = (rules: readonly RiskRule[]): string[] => [
  '| rule | matches | why |',
  '|---|---|---|',
  ...rules.map((r) => `| \`${r.id}\` | ${matches(r)} | ${r.reason.replace(/\|/g, '\\|')} |`),
];

export const renderRiskDoc = (rules: readonly RiskRule[] = RISK_RULES): string => {
  const lines = [
    '# Risk classes',
    '',
    '<!-- Generated from packages/shared/src/command/risk-rules.ts by `node scripts/generate-risk-doc.mjs`; do not edit. -->',
    '',
    'Every command the broker sees gets one risk class. The policy\'s defaults are per class (docs/policy.md), and',
    '`aws-guard explain` prints the class with the rules that produced it.',
    '',
    '## How a command is classified',
    '',
    '1. The parser turns argv into a command: its IAM actions (`s3 rb --force` → `s3:ListBucket`, `s3:DeleteObject`,',
    '   `s3:DeleteBucket`), API operations, CLI command name and options. Any forbidden use it finds (an option that',
    '   redirects credentials however abbreviated, a command that touches the broker host) makes the command `forbidden`.',
    '2. Every rule below is tried. A rule matches when each selector it has matches: `actions` (IAM action globs,',
    '   case-insensitive, minus `except`), `API operations` (`<cli service>:<ApiOperation>`), `commands`',
    '   (`<service> <operation>` as typed) and, if present, any one of its `when` option conditions.',
    '   Option names are the canonical CLI names without dashes; a value given as `file://…` or through',
    '   `--cli-input-json/yaml` cannot be inspected, so conditions list those forms to assume the worst.',
    '3. An IAM action that no action rule matches is `write`. A custom command that calls no API operation and',
    '   matches no rule is `secret_read` (local signing such as presigned URLs is the known case). Help, `--version`',
    '   and `--generate-cli-skeleton` call nothing and are `read` (only the forbidden rules apply to them).',
    '4. The highest class of everything that matched wins, in this order:',
    `   ${RISKS.map((r) => `\`${r}\``).join(' < ')}. Reasons are listed highest first.`,
    '',
    'Dry runs (`--dryrun`, `--dry-run`) are classified as what they would do; a policy rule can allow them',
    'explicitly with `params: { dry-run: "true" }`. The v1 CLI\'s fetching of `http(s)://` parameter values is refused',
    'by the parser (it knows which parameters are URLs by design) and switched off in the broker\'s CLI config.',
    '',
  ];
  for (const risk of RISKS) {
    const mine = rules.filter((r) => r.risk === risk);
    lines.push(`## ${risk}`, '', `${MEANING[risk]}.`, '');
    if (mine.length > 0) lines.push(...table(mine), '');
    else lines.push('No rule assigns this class; it is the default for unmatched actions (step 3).', '');
  }
  return `${lines.join('\n').trimEnd()}\n`;
};
