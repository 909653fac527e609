// Where the tests find the built bundle and the fixtures.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BUNDLE = `${ROOT}bin/aws-guard`;
export const FIXTURES = `${ROOT}test/fixtures/`;

export const requireBundle = (): string => {
  if (!existsSync(BUNDLE)) throw new Error(`${BUNDLE} is missing: build it first with \`pnpm build\``);
  return BUNDLE;
};
