// Where the generated AWS model lives: beside the sources in development and tests; from the bundle
// (bin/dist/*.mjs) the build defines its path relative to the bundle's files.
import { fileURLToPath } from 'node:url';
import { sourceModelDir } from '@aws-guard/shared/aws-model/model-store';

declare const __AWS_GUARD_MODEL_DIR__: string | undefined;

export const modelDir = (): string =>
  typeof __AWS_GUARD_MODEL_DIR__ === 'string' ? fileURLToPath(new URL(__AWS_GUARD_MODEL_DIR__, import.meta.url)) : sourceModelDir();
