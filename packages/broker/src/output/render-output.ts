// The agent's --output, rendered from a (masked, queried) CLI value exactly as the CLI would print it: the entry
// point of output/ (docs/output-rendering.md). Formats the CLI itself refuses are not rendered.
import type { CliValue } from './cli-value.js';
import type { Rendered } from './rendered.js';
import { renderJson } from './render-json.js';
import { renderTable } from './render-table.js';
import { renderText } from './render-text.js';
import { renderYaml, renderYamlStream } from './render-yaml.js';

import { cliErrorText } from './rendered.js';

export type { Rendered, RenderCrash } from './rendered.js';

const V1_FORMATS = ['json', 'text', 'table'] as const;
const V2_FORMATS = ['json', 'text', 'table', 'yaml', 'yaml-stream'] as const;
export type OutputFormat = (typeof V2_FORMATS)[number];

/** The `--output` values the CLI of this major version accepts. */
export const outputFormats = (cliMajor: number): readonly OutputFormat[] => (cliMajor >= 2 ? V2_FORMATS : V1_FORMATS);

export type RenderOptions = Readonly<{
  /** The API operation's name (`DescribeInstances`, AwsCommand.apiOperation): the table's title. */
  operation: string;
  /** The terminal width the CLI would see (table only); the CLI under the broker writes to a pipe: 80. */
  columns?: number;
  /** `--color on` (table only); `off` and `auto` print no colour when stdout is not a terminal. */
  color?: boolean;
}>;

export const renderOutput = (value: CliValue, format: OutputFormat, options: RenderOptions): Rendered => {
  switch (format) {
    case 'json':
      return { ok: true, value: renderJson(value) };
    case 'text':
      return renderText(value);
    case 'table':
      return renderTable(value, { title: options.operation, columns: options.columns ?? 80, color: options.color ?? false });
    case 'yaml':
      return { ok: true, value: renderYaml(value) };
    case 'yaml-stream':
      return { ok: true, value: renderYamlStream(value) };
  }
};

/**
 * The stderr of a --query that fails while the CLI formats (applyQuery's QUERY_FAILED): as its `stderr`, except
 * with `--output table --color on`, where the table formatter has already wrapped stderr in colorama.
 */
export const queryFailureStderr = (message: string, format: OutputFormat, options: RenderOptions): string =>
  cliErrorText(message, format === 'table' && options.color === true);
