// One readable line per schema issue. zod/mini ships no message locale (that is what keeps it small), so the
// codec words the few issue kinds a malformed frame can have itself, from the issue's structured fields.

export type SchemaIssue = Readonly<{ code: string; path: readonly PropertyKey[] }>;

const list = (v: unknown): string => (Array.isArray(v) ? v.map(String).join(', ') : String(v));

const what = (seen: SchemaIssue): string => {
  // The fields beside `code` depend on the kind of issue.
  const issue = seen as SchemaIssue & Record<string, unknown>;
  switch (issue.code) {
    case 'unrecognized_keys':
      return `Unrecognized key(s): ${list(issue['keys'])}`;
    case 'invalid_type':
      return `expected ${String(issue['expected'])}`;
    case 'invalid_value':
      return `expected one of ${list(issue['values'])}`;
    case 'too_small':
      return `${String(issue['origin'] ?? 'value')} below the minimum of ${String(issue['minimum'])}`;
    case 'too_big':
      return `${String(issue['origin'] ?? 'value')} above the maximum of ${String(issue['maximum'])}`;
    case 'invalid_union':
      return 'not a known message type';
    default:
      return issue.code.replaceAll('_', ' ');
  }
};

export const describeIssue = (issue: SchemaIssue): string => `${issue.path.map(String).join('.') || '(root)'}: ${what(issue)}`;
