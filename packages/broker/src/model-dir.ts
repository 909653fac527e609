// Where the generated AWS model lives: beside the sources in development and tests, and at the same
// repository path relative to the bundle (bin/aws-guard) when bundled. esbuild defines the flag.
import { fileURLToPath } from 'node:url';
import { sourceModelDir } from '@aws-guard/shared/aws-model/model-store';

declare const __AWS_GUARD_BUNDLED__: boolean | undefined;

export const modelDir = (): string =>
  typeof __AWS_GUARD_BUNDLED__ !== 'undefined' && __AWS_GUARD_BUNDLED__
    ? fileURLToPath(new URL('../packages/shared/model/', import.meta.url))
    : sourceModelDir();
