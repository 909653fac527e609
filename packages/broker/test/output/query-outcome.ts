// An outcome of a --query as the query tests' tables write it, for the broker and for the CLI alike, so that a
// row is one string per side.
import type { QueryResult } from '@aws-guard/broker/output/apply-query';
import { renderJson } from '@aws-guard/broker/output/render-json';
import type { FormatResult } from './awscli-harness.js';

const fold = (json: string): string => json.replace(/\s+/g, ' ').trim();

/** The JSON printed (whitespace folded), `ERROR` for exit 255, `LEFT TO THE CLI`. */
export const ours = (result: QueryResult): string =>
  result.ok ? fold(renderJson(result.value)) : result.issue.code === 'QUERY_INVALID' ? 'LEFT TO THE CLI' : 'ERROR';

export const theCli = (printed: FormatResult): string => (printed.code === 0 ? fold(printed.stdout) : 'ERROR');
