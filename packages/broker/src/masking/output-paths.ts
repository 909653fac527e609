// Output paths in the syntax sensitive-paths.ts writes (`SecretString`, `Parameters[].Value`, `Tags.*`, `@[]`),
// compiled into a trie that mask-document.ts steps through beside the value: no path is ever expanded.

/** One node of the trie; `path` is set where a path ends (the first spelling given, for counts and audit). */
type PathNode = {
  readonly members: Map<string, PathNode>;
  /** `*`: any member of an object (a map value or a structure member). */
  any: PathNode | undefined;
  /** `[]`: any item of a list. */
  item: PathNode | undefined;
  path: string | undefined;
};

/** Where a walk stands: the trie nodes the value at hand is under (empty = no path can match below). */
export type PathState = readonly PathNode[];

export const NO_PATHS: PathState = Object.freeze([]);

/** Must accept what policy-schema.ts OUTPUT_PATH accepts: `@` (the root) only first, then names or `*`, each with `[]`s. */
const PART = /^(@|\*|[A-Za-z0-9_-]+)((?:\[\])*)$/;

const node = (): PathNode => ({ members: new Map(), any: undefined, item: undefined, path: undefined });

const addPath = (root: PathNode, path: string): void => {
  let at = root;
  path.split('.').forEach((part, index) => {
    const m = PART.exec(part);
    // The policy loader and the built-in table only hold valid paths: anything else is a bug, not input.
    if (m === null || (m[1] === '@' && index > 0)) throw new Error(`not an output path: ${JSON.stringify(path)}`);
    const head = m[1]!;
    if (head === '*') at = at.any ??= node();
    else if (head !== '@') {
      let next = at.members.get(head);
      if (next === undefined) at.members.set(head, (next = node()));
      at = next;
    }
    for (let i = 0; i < m[2]!.length / 2; i++) at = at.item ??= node();
  });
  at.path ??= path;
};

/** The trie's root as a walk's starting state; no paths → NO_PATHS, so that the walk skips all path work. */
export const compilePaths = (paths: readonly string[]): PathState => {
  if (paths.length === 0) return NO_PATHS;
  const root = node();
  for (const path of paths) addPath(root, path);
  return [root];
};

export const stepMember = (state: PathState, key: string): PathState => {
  if (state.length === 0) return NO_PATHS;
  const next: PathNode[] = [];
  for (const n of state) {
    const named = n.members.get(key);
    if (named !== undefined) next.push(named);
    if (n.any !== undefined) next.push(n.any);
  }
  return next.length === 0 ? NO_PATHS : next;
};

export const stepItem = (state: PathState): PathState => {
  if (state.length === 0) return NO_PATHS;
  const next: PathNode[] = [];
  for (const n of state) if (n.item !== undefined) next.push(n.item);
  return next.length === 0 ? NO_PATHS : next;
};

/** The path that selects the value at hand, if any does. */
export const pathEndingHere = (state: PathState): string | undefined => {
  for (const n of state) if (n.path !== undefined) return n.path;
  return undefined;
};
