#!/usr/bin/env node
// Embeds packages/broker/policy/default.yaml into packages/broker/src/policy/default-policy-text.ts, so that the
// bundled bin/aws-guard carries the default policy without a file beside it. A test fails when they differ.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadTsModule } from './load-ts-module.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const { renderDefaultPolicyModule } = await loadTsModule(`${root}packages/broker/src/policy/render-default-policy-module.ts`);
const yaml = readFileSync(`${root}packages/broker/policy/default.yaml`, 'utf8');
writeFileSync(`${root}packages/broker/src/policy/default-policy-text.ts`, renderDefaultPolicyModule(yaml));
console.log('wrote packages/broker/src/policy/default-policy-text.ts');
