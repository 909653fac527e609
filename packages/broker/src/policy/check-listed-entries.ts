// What every cross-field check on a policy list (rules, credentials, masking) does first: walk the raw list
// defensively, give each object entry its path, report an id used twice against its first use, and require one
// of the list's selectors. The list's own checks run on each entry after that.
export type PolicyProblem = Readonly<{ path: readonly (string | number)[]; message: string }>;

export const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export type ListedEntries = Readonly<{
  /** The document's key holding the list. */
  key: string;
  /** What an entry is called in the duplicate-id message: `rule`, `mapping`, `masking`. */
  noun: string;
  /** At least one of these must be set on every entry… */
  selectors: readonly string[];
  /** …and the message says why, in parentheses. */
  selectorHint: string;
}>;

export function checkListedEntries(
  doc: unknown, list: ListedEntries,
  each: (entry: Record<string, unknown>, at: readonly (string | number)[], problems: PolicyProblem[]) => void = () => {},
): PolicyProblem[] {
  const entries = isRecord(doc) ? doc[list.key] : undefined;
  if (!Array.isArray(entries)) return [];
  const problems: PolicyProblem[] = [];
  const firstIndexById = new Map<string, number>();
  entries.forEach((entry: unknown, index) => {
    if (!isRecord(entry)) return;
    const at = [list.key, index] as const;
    const id = entry['id'];
    if (typeof id === 'string') {
      const first = firstIndexById.get(id);
      if (first !== undefined) problems.push({ path: [...at, 'id'], message: `duplicate ${list.noun} id "${id}" (first used by ${list.key}.${first})` });
      else firstIndexById.set(id, index);
    }
    if (!list.selectors.some((key) => entry[key] !== undefined))
      problems.push({ path: at, message: `needs at least one of ${list.selectors.join(', ')} (${list.selectorHint})` });
    each(entry, at, problems);
  });
  return problems;
}
