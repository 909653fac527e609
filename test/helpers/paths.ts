// Where the tests find the built bundle and the fixtures.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BUNDLE = `${ROOT}bin/aws-guard`;
/** The shim's own bundle: what `aws-guard shim install` links `aws` to. */
export const SHIM_BUNDLE = `${ROOT}bin/dist/shim.cjs`;
export const FIXTURES = `${ROOT}test/fixtures/`;

const requireBuilt = (path: string): string => {
  if (!existsSync(path)) throw new Error(`${path} is missing: build it first with \`pnpm build\``);
  return path;
};

export const requireBundle = (): string => requireBuilt(BUNDLE);
export const requireShimBundle = (): string => requireBuilt(SHIM_BUNDLE);
