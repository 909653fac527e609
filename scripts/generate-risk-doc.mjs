#!/usr/bin/env node
// Writes docs/risk.md from the risk table (packages/shared/src/command/risk-rules.ts).
// packages/shared/test/command/risk-doc.test.ts fails when the committed file is not what this writes.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadTsModule } from './load-ts-module.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const { renderRiskDoc } = await loadTsModule(`${root}packages/shared/src/command/render-risk-doc.ts`);
writeFileSync(`${root}docs/risk.md`, renderRiskDoc());
console.log('wrote docs/risk.md');
