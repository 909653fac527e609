// One comparison case rendered by the broker as the flow does it: parse the CLI's JSON, apply the query, render;
// a failure comes out as the CLI's stderr and exit code.
import { applyQuery } from '@aws-guard/broker/output/apply-query';
import { parseCliJson } from '@aws-guard/broker/output/parse-cli-json';
import { queryFailureStderr, renderOutput, type OutputFormat } from '@aws-guard/broker/output/render-output';
import type { FormatCase, FormatResult } from './awscli-harness.js';

/** `queryFailed`: the query failed while evaluating, with the library's message (the CLI prints Python's). */
export type RenderedCase = FormatResult & Readonly<{ queryFailed: boolean }>;

const optionsOf = (c: FormatCase) => ({ operation: c.title ?? 'GetCallerIdentity', columns: c.columns ?? 80, color: c.color ?? false });

/** The broker's rendering of one case, from the JSON the CLI printed for the document. */
export const renderCase = (c: FormatCase, printed: string): RenderedCase => {
  const format = c.format as OutputFormat;
  const options = optionsOf(c);
  const selected = applyQuery(parseCliJson(printed), c.query ?? undefined);
  if (!selected.ok) {
    const failed = selected.issue.code === 'QUERY_FAILED';
    return { stdout: '', stderr: failed ? queryFailureStderr(selected.issue.message, format, options) : selected.issue.stderr, code: 255, queryFailed: failed };
  }
  const rendered = renderOutput(selected.value, format, options);
  const result = rendered.ok ? { stdout: rendered.value, stderr: '', code: 0 } : { stdout: rendered.issue.stdout, stderr: rendered.issue.stderr, code: 255 };
  return { ...result, queryFailed: false };
};

/**
 * Whether the broker's outcome is the CLI's: byte for byte, except that a failed query's message is the
 * library's: then the same exit code and stdout, and both messages in the same frame (colorama's codes under
 * `--output table --color on`).
 */
export const matchesCli = (mine: RenderedCase, cli: FormatResult, c: FormatCase): boolean => {
  if (!mine.queryFailed) return mine.stdout === cli.stdout && mine.stderr === cli.stderr && mine.code === cli.code;
  const [before = '', after = ''] = queryFailureStderr('\u0000', c.format as OutputFormat, optionsOf(c)).split('\u0000');
  const framed = (s: string): boolean => s.length > before.length + after.length && s.startsWith(before) && s.endsWith(after);
  return mine.stdout === cli.stdout && mine.code === cli.code && framed(mine.stderr) && framed(cli.stderr);
};
