// Expands a command's sensitive-output shape graph (model `sg`) into JSON paths of the CLI's output:
// member names joined by `.`, `[]` for list items, `.*` for map values, `@` for the whole output.
import type { RawSensitiveEntry } from './model-types.js';

export type SensitiveGraph = Readonly<Record<string, RawSensitiveEntry>>;

const join = (prefix: string, segment: string): string =>
  segment === '[]' ? `${prefix === '' ? '@' : prefix}[]` : prefix === '' ? segment : `${prefix}.${segment}`;

/**
 * Every path from the output root to a sensitive value. A recursive shape is followed once per path (as
 * botocore's own walk would stop), and at most `limit` paths are returned: some outputs nest the same
 * sensitive shapes thousands of times over (quicksight definitions) — walk the graph for those.
 */
export const expandSensitivePaths = (graph: SensitiveGraph, root: string | true, limit = 10_000): readonly string[] => {
  if (root === true) return ['@'];
  const out: string[] = [];
  const walk = (ref: string | 1, prefix: string, stack: readonly string[]): void => {
    if (out.length >= limit) return;
    if (ref === 1) {
      out.push(prefix === '' ? '@' : prefix);
      return;
    }
    if (stack.includes(ref)) return;
    const entry = graph[ref];
    if (entry === undefined) return;
    const next = [...stack, ref];
    for (const [member, child] of Object.entries(entry.m ?? {})) walk(child, join(prefix, member), next);
    if (entry.l !== undefined) walk(entry.l, join(prefix, '[]'), next);
    if (entry.v !== undefined) walk(entry.v, join(prefix, '*'), next);
  };
  walk(root, '', []);
  return Object.freeze(out);
};
