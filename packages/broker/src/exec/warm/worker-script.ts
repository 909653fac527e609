// Where the Python worker (packages/broker/python/aws_guard_worker.py) lives: beside the sources in development
// and tests; from the bundle (bin/dist/*.mjs) the build defines its path relative to the bundle's files.
import { fileURLToPath } from 'node:url';

declare const __AWS_GUARD_PYTHON_DIR__: string | undefined;

export const workerScript = (): string =>
  fileURLToPath(new URL('aws_guard_worker.py', typeof __AWS_GUARD_PYTHON_DIR__ === 'string' ? new URL(__AWS_GUARD_PYTHON_DIR__, import.meta.url) : new URL('../../../python/', import.meta.url)));
