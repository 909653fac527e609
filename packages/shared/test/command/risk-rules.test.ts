import { readFileSync } from 'node:fs';
import t from 'tap';
import { RISKS } from '@aws-guard/shared/command/aws-command';
import { RISK_RULES } from '@aws-guard/shared/command/risk-rules';
import { renderRiskDoc } from '@aws-guard/shared/command/render-risk-doc';

const ACTION_GLOB = /^(\*|[A-Za-z0-9*?-]+:[A-Za-z0-9*?]+)$/;

t.test('every rule has a unique id named after its class, a reason and a selector', async (t) => {
  const ids = RISK_RULES.map((r) => r.id);
  t.same([...new Set(ids)], ids, 'ids are unique');
  for (const rule of RISK_RULES) {
    t.ok(rule.id.startsWith(`${rule.risk}.`), `${rule.id} starts with its class`);
    t.ok(RISKS.includes(rule.risk), `${rule.id} has a known class`);
    t.ok(rule.reason.length > 10, `${rule.id} says why`);
    t.ok(rule.actions ?? rule.apiOperations ?? rule.commands, `${rule.id} selects something`);
    t.notOk(rule.notActions && !rule.actions, `${rule.id}: notActions only narrows actions`);
    // Selectors are ANDed: a rule with both would only match commands whose action AND operation match, which
    // silently loses the net that apiOperations is for. Such nets are rules of their own.
    t.notOk(rule.actions && rule.apiOperations, `${rule.id}: actions and apiOperations are separate rules`);
    for (const a of [...(rule.actions ?? []), ...(rule.notActions ?? [])]) t.match(a, ACTION_GLOB, `${rule.id}: ${a} is an IAM action glob`);
    for (const op of rule.apiOperations ?? []) t.match(op, /^[a-z0-9*-]+:[A-Za-z0-9*]+$/, `${rule.id}: ${op} is <service>:<ApiOperation>`);
    for (const c of rule.when ?? []) t.match(c.name, /^[a-z0-9-]+$/, `${rule.id}: ${c.name} is a canonical option name`);
  }
});

t.test('every class the issue names has rules', async (t) => {
  for (const risk of ['read', 'destructive', 'privilege', 'secret_read', 'forbidden'] as const)
    t.ok(RISK_RULES.some((r) => r.risk === risk), `${risk} has rules`);
});

t.test('docs/risk.md is generated from the table (run `node scripts/generate-risk-doc.mjs`)', async (t) => {
  const committed = readFileSync(new URL('../../../../docs/risk.md', import.meta.url), 'utf8');
  t.equal(committed, renderRiskDoc());
  for (const rule of RISK_RULES) t.ok(committed.includes(`\`${rule.id}\``), `docs/risk.md documents ${rule.id}`);
});
