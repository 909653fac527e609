// Output that holds secrets, as a document (docs/masking.md): the CLI prints JSON with no query; the broker parses
// it, masks it (masking/mask-document.ts), applies the agent's --query and renders the agent's format as the CLI
// would (output/). What the agent gets and what the record keeps differ only where a policy reveals a value.
import type { AwsCommand } from '@aws-guard/shared/command/aws-command';
import type { CommandRun } from '@aws-guard/shared/protocol/messages';
import { maskDocument } from '../masking/mask-document.js';
import type { MaskStyle } from '../masking/mask-style.js';
import { parseCliJson, CliJsonError } from '../output/parse-cli-json.js';
import { applyQuery, compileQuery, type CompiledQuery } from '../output/apply-query.js';
import { outputFormats, queryFailureStderr, renderOutput, type OutputFormat, type RenderOptions } from '../output/render-output.js';
import type { CliValue } from '../output/cli-value.js';
import type { DocumentMasking } from './refusal.js';

/** What the CLI's stdout becomes: the agent's bytes and the record's (equal unless a reveal applied). */
export type DocumentResult = Readonly<{
  agent: Buffer;
  record: Buffer;
  /** Extra stderr the CLI itself would have printed (a --query or formatter failure after the call). */
  stderr: string;
  /** The CLI's exit code when rendering fails the way the CLI fails; else undefined (keep the CLI's). */
  exitCode: number | undefined;
  masked: Readonly<Record<string, number>>;
  revealed: readonly string[];
}>;

export type DocumentRun =
  /** Run `argv` (JSON, no query) and turn its stdout into the agent's format with `finish`. */
  | Readonly<{ kind: 'render'; argv: readonly string[]; format: OutputFormat; finish: (stdout: Buffer) => DocumentResult }>
  /**
   * A format the CLI refuses, or a --query the broker cannot apply (apply-query.ts: QUERY_INVALID; the CLI judges
   * it while parsing its arguments): it runs as asked, to fail its own way, and its stdout is withheld. `unmasked`:
   * what the agent gets instead when the CLI succeeds and prints after all (that output was not masked).
   */
  | Readonly<{ kind: 'withhold'; argv: readonly string[]; format: string; unmasked?: Readonly<{ stderr: string; exitCode: number }> }>
  /** Refused before running: the command line cannot be run with its output masked. */
  | Readonly<{ kind: 'refuse'; stderr: string; exitCode: number; code: string }>;

export type DocumentInput = Readonly<{
  cmd: AwsCommand;
  /** The argv the CLI would run (after local-file rewrites). */
  argv: readonly string[];
  env: CommandRun['env'];
  cliMajor: number;
  columns: number | undefined;
  masking: DocumentMasking;
  style: MaskStyle;
  reparse: (argv: readonly string[]) => AwsCommand | null;
}>;

type Printed = Readonly<{ text: string; stderr: string; exitCode: number | undefined }>;

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/**
 * argparse keeps the last value of a repeated option: appending overrides the agent's format and query. Text
 * output of a paginated operation is printed by the CLI page by page, each page through the --query (and its
 * resume token last, as one more page): `to_string(@)` makes it print each page as one line of JSON instead.
 */
const forcedOptions = (pages: boolean): readonly [string, string] => (pages ? ['text', 'to_string(@)'] : ['json', '@']);

/** Proven like a file rewrite: the same command and parameters, only the output format and query changed. */
const forcedArgv = (input: DocumentInput, pages: boolean): readonly string[] | null => {
  const [format, expression] = forcedOptions(pages);
  // Before a `--` (after it everything is positional: `get-object … -- -x`), else at the end.
  const at = input.argv.indexOf('--');
  const forced = ['--output', format, '--query', expression];
  const argv = at === -1 ? [...input.argv, ...forced] : [...input.argv.slice(0, at), ...forced, ...input.argv.slice(at)];
  const base = input.reparse(input.argv);
  const again = input.reparse(argv);
  if (base === null || again === null) return null;
  const { output: _o, query: _q, ...globals } = base.globals;
  const { output, query, ...againGlobals } = again.globals;
  const proven =
    again.service === base.service &&
    again.operation === base.operation &&
    same(again.params, base.params) &&
    same(again.localFiles, base.localFiles) &&
    same(globals, againGlobals) &&
    output === format &&
    query === expression;
  return proven ? argv : null;
};

/** The table's title is the API operation's name, as the CLI's own formatter is given it. */
const renderOptions = (input: DocumentInput, color: boolean): RenderOptions => ({
  operation: input.cmd.apiOperation ?? input.cmd.operation,
  ...(input.columns === undefined ? {} : { columns: input.columns }),
  color,
});

export const planDocumentRun = (input: DocumentInput): DocumentRun => {
  const globals = input.cmd.globals;
  const asked = typeof globals['output'] === 'string' ? globals['output'] : (input.env.AWS_DEFAULT_OUTPUT ?? 'json');
  const format = outputFormats(input.cliMajor).find((f) => f === asked);
  if (format === undefined) return { kind: 'withhold', argv: input.argv, format: asked };
  let query: CompiledQuery | undefined;
  if (typeof globals['query'] === 'string') {
    const compiled = compileQuery(globals['query']);
    // The real CLI, given the agent's own --query, prints its own `Bad value for --query …` (exit 255) and calls nothing.
    if (!compiled.ok) return { kind: 'withhold', argv: input.argv, format, unmasked: { stderr: compiled.issue.stderr, exitCode: compiled.issue.exitCode } };
    query = compiled.value;
  }
  const pages = format === 'text' && input.masking.paginated && globals['no-paginate'] === undefined;
  const argv = forcedArgv(input, pages);
  if (argv === null)
    return { kind: 'refuse', stderr: 'aws-guard: this command prints secrets and cannot be run with its output masked; write its --output and --query plainly\n', exitCode: 255, code: 'OUTPUT_MASK_FAILED' };
  const options = renderOptions(input, globals['color'] === 'on');

  /** One document (or page) through the agent's --query and format; a failure stops output as it stops the CLI. */
  const one = (value: CliValue): Printed => {
    const selected = applyQuery(value, query);
    if (!selected.ok) return { text: '', stderr: queryFailureStderr(selected.issue.message, format, options), exitCode: selected.issue.exitCode };
    const rendered = renderOutput(selected.value, format, options);
    return rendered.ok ? { text: rendered.value, stderr: '', exitCode: undefined } : { text: rendered.issue.stdout, stderr: rendered.issue.stderr, exitCode: rendered.issue.exitCode };
  };
  const all = (docs: readonly unknown[]): Printed => {
    let text = '';
    for (const doc of docs) {
      const printed = one(doc as CliValue);
      text += printed.text;
      if (printed.exitCode !== undefined) return { ...printed, text };
    }
    return { text, stderr: '', exitCode: undefined };
  };

  const finish = (stdout: Buffer): DocumentResult => {
    const text = stdout.toString('utf8');
    let docs: CliValue[];
    try {
      docs = pages ? text.split('\n').filter((line) => line !== '').map(parseCliJson) : [parseCliJson(text)];
    } catch (e) {
      if (!(e instanceof CliJsonError)) throw e;
      // Fail closed: output that cannot be read as the document it should be is not passed on.
      const why = `aws-guard: the CLI's output could not be read for masking and was withheld (${e.message})\n`;
      return { agent: Buffer.alloc(0), record: Buffer.alloc(0), stderr: why, exitCode: 255, masked: {}, revealed: [] };
    }
    const maskedDocs = docs.map((doc) => maskDocument(doc, input.masking.plan, input.style));
    const agent = all(maskedDocs.map((m) => m.value));
    const revealed = [...new Set(maskedDocs.flatMap((m) => m.revealed))];
    const record = revealed.length === 0 ? agent : all(maskedDocs.map((m) => m.recordValue));
    const masked: Record<string, number> = {};
    for (const m of maskedDocs) for (const [what, n] of Object.entries(m.masked)) masked[what] = (masked[what] ?? 0) + n;
    return { agent: Buffer.from(agent.text, 'utf8'), record: Buffer.from(record.text, 'utf8'), stderr: agent.stderr, exitCode: agent.exitCode, masked, revealed };
  };
  return { kind: 'render', argv, format, finish };
};
