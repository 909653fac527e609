#!/usr/bin/env node
// Writes docs/policy.schema.json (JSON Schema for editors) from the zod schema the broker validates with.
// packages/broker/test/policy/policy-schema.test.ts fails when the committed file is not what this writes.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadTsModule } from './load-ts-module.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const { renderPolicyJsonSchema } = await loadTsModule(`${root}packages/broker/src/policy/policy-schema.ts`);
writeFileSync(`${root}docs/policy.schema.json`, renderPolicyJsonSchema());
console.log('wrote docs/policy.schema.json');
