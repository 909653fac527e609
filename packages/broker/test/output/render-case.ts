// One comparison case rendered by the broker as the flow does it: parse the CLI's JSON, apply the query, render;
// a failure comes out as the CLI's stderr and exit code.
import { applyQuery } from '@aws-guard/broker/output/apply-query';
import { parseCliJson } from '@aws-guard/broker/output/parse-cli-json';
import { queryFailureStderr, renderOutput, type OutputFormat } from '@aws-guard/broker/output/render-output';
import type { FormatCase, FormatResult } from './awscli-harness.js';

/** The broker's rendering of one case, from the JSON the CLI printed for the document. */
export const renderCase = (c: FormatCase, printed: string): FormatResult => {
  const format = c.format as OutputFormat;
  const options = { operation: c.title ?? 'GetCallerIdentity', columns: c.columns ?? 80, color: c.color ?? false };
  const selected = applyQuery(parseCliJson(printed), c.query ?? undefined);
  if (!selected.ok) {
    const stderr = selected.issue.code === 'QUERY_FAILED' ? queryFailureStderr(selected.issue.message, format, options) : selected.issue.stderr;
    return { stdout: '', stderr, code: 255 };
  }
  const rendered = renderOutput(selected.value, format, options);
  return rendered.ok ? { stdout: rendered.value, stderr: '', code: 0 } : { stdout: rendered.issue.stdout, stderr: rendered.issue.stderr, code: 255 };
};

