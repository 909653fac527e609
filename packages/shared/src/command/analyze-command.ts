// argv → the frozen AwsCommand the broker decides on: the parser's reading of the command plus its risk class.
// The only way to build an AwsCommand, so that no command reaches policy unclassified.
import type { AwsCommand } from './aws-command.js';
import { classifyRisk } from './classify-risk.js';
import { parseCommand } from './parse-command.js';
import { ok, type Result } from '../result.js';

export type AnalyzeDeps = Parameters<typeof parseCommand>[1];

type ParseOutcome = ReturnType<typeof parseCommand>;
type ParseFailureCode = Extract<ParseOutcome, { ok: false }>['issue']['code'];

export const analyzeCommand = (argv: readonly string[], deps: AnalyzeDeps): Result<AwsCommand, ParseFailureCode> => {
  const parsed = parseCommand(argv, deps);
  if (!parsed.ok) return parsed;
  const { risk, reasons } = classifyRisk(parsed.value);
  return ok(Object.freeze({ ...parsed.value, risk, riskReasons: reasons }));
};
