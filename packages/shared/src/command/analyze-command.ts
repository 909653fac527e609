// argv → the frozen AwsCommand the broker decides on: the parser's reading of the command plus its risk class.
// The only way to build an AwsCommand, so that no command reaches policy unclassified.
import type { AwsCommand } from './aws-command.js';
import { classifyRisk } from './classify-risk.js';
import { parseCommand, type ParseDeps, type ParseFailure } from './parse-command.js';
import { ok, type Ok } from '../result.js';

export type AnalyzeDeps = ParseDeps;
/** A parse failure keeps the CLI's own usage error text and exit code (ParseIssue.stderr, .exitCode). */
export type AnalyzeResult = Ok<AwsCommand> | ParseFailure;

export const analyzeCommand = (argv: readonly string[], deps: AnalyzeDeps): AnalyzeResult => {
  const parsed = parseCommand(argv, deps);
  if (!parsed.ok) return parsed;
  const { risk, reasons } = classifyRisk(parsed.value);
  return ok(Object.freeze({ ...parsed.value, risk, riskReasons: reasons }));
};
