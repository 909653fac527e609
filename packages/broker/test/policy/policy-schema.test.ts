import { readFileSync } from 'node:fs';
import t from 'tap';
import { policyJsonSchema, renderPolicyJsonSchema } from '@aws-guard/broker/policy/policy-schema';

t.test('docs/policy.schema.json is generated from the zod schema (run `node scripts/generate-policy-schema.mjs`)', async (t) => {
  const committed = readFileSync(new URL('../../../../docs/policy.schema.json', import.meta.url), 'utf8');
  t.equal(committed, renderPolicyJsonSchema());
});

t.test('the JSON Schema is strict where the loader is strict', async (t) => {
  const schema = policyJsonSchema() as {
    additionalProperties: boolean;
    required: string[];
    properties: { rules: { items: { additionalProperties: boolean; required: string[]; properties: Record<string, unknown> } } };
  };
  t.equal(schema.additionalProperties, false);
  t.same(schema.required.sort(), ['rules', 'version']);
  const rule = schema.properties.rules.items;
  t.equal(rule.additionalProperties, false, 'a misspelt rule key is an editor error too');
  t.same(rule.required.sort(), ['effect', 'id']);
  t.same(Object.keys(rule.properties).sort(), ['accounts', 'actions', 'agents', 'approval', 'commands', 'effect', 'groups', 'humans', 'id', 'issuers', 'message', 'params', 'regions', 'risks', 'roles', 'timeout']);
});

t.test('role mappings are strict too, and need an id and a role', async (t) => {
  const schema = policyJsonSchema() as { properties: { credentials: { items: { additionalProperties: boolean; required: string[]; properties: Record<string, unknown> } } } };
  const mapping = schema.properties.credentials.items;
  t.equal(mapping.additionalProperties, false);
  t.same(mapping.required.sort(), ['id', 'roleArn']);
  t.same(Object.keys(mapping.properties).sort(), ['agents', 'durationSeconds', 'externalId', 'groups', 'humans', 'id', 'issuers', 'roleArn']);
});

t.test('masking entries are strict too, need an id, and take the rule selectors', async (t) => {
  const schema = policyJsonSchema() as { properties: { masking: { items: { additionalProperties: boolean; required: string[]; properties: Record<string, unknown> } } } };
  const entry = schema.properties.masking.items;
  t.equal(entry.additionalProperties, false);
  t.same(entry.required, ['id']);
  t.same(Object.keys(entry.properties).sort(), ['accounts', 'actions', 'agents', 'commands', 'groups', 'humans', 'id', 'issuers', 'mask', 'params', 'patterns', 'regions', 'reveal', 'risks', 'roles']);
});
