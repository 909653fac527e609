// YAML text → a document with line positions, or every syntax error as `line N: message` (the yaml library's
// first line, without its code excerpt). One reading of YAML errors for the config file and the policy.
import { LineCounter, parseDocument, type Document } from 'yaml';
import { failAll, ok, type Result } from '@aws-guard/shared/result';

export type ParsedYaml = Readonly<{ doc: Document; lines: LineCounter }>;

/** Duplicate keys are errors: a config or policy must not say two things and keep one silently. */
export const parseYamlText = (text: string): Result<ParsedYaml, 'YAML_INVALID'> => {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length === 0) return ok({ doc, lines });
  const problems = doc.errors.map((e) => `line ${lines.linePos(e.pos[0]).line}: ${e.message.split('\n')[0]!.replace(/:$/u, '')}`);
  return failAll('YAML_INVALID', problems.join('; '), problems);
};
