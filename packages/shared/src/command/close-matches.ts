// Python difflib.get_close_matches, used by the CLI's "Invalid choice … maybe you meant:" message.
// A faithful port of SequenceMatcher (isjunk=None, autojunk=True) so the suggestions match the real CLI.

type Block = readonly [number, number, number];

const chars = (s: string): string[] => [...s];

const buildB2j = (b: readonly string[]): Map<string, number[]> => {
  const b2j = new Map<string, number[]>();
  b.forEach((ch, i) => {
    const list = b2j.get(ch);
    if (list === undefined) b2j.set(ch, [i]);
    else list.push(i);
  });
  // autojunk: in sequences of 200+ items, items more frequent than 1% + 1 are "popular" and not indexed.
  if (b.length >= 200) {
    const ntest = Math.floor(b.length / 100) + 1;
    for (const [ch, list] of [...b2j]) if (list.length > ntest) b2j.delete(ch);
  }
  return b2j;
};

const longestMatch = (a: readonly string[], b: readonly string[], b2j: Map<string, number[]>, alo: number, ahi: number, blo: number, bhi: number): Block => {
  let besti = alo;
  let bestj = blo;
  let bestsize = 0;
  let j2len = new Map<number, number>();
  for (let i = alo; i < ahi; i += 1) {
    const next = new Map<number, number>();
    for (const j of b2j.get(a[i] as string) ?? []) {
      if (j < blo) continue;
      if (j >= bhi) break;
      const k = (j2len.get(j - 1) ?? 0) + 1;
      next.set(j, k);
      if (k > bestsize) {
        besti = i - k + 1;
        bestj = j - k + 1;
        bestsize = k;
      }
    }
    j2len = next;
  }
  // No junk predicate is set, so these extensions only pick up equal "popular" items autojunk dropped.
  while (besti > alo && bestj > blo && a[besti - 1] === b[bestj - 1]) {
    besti -= 1;
    bestj -= 1;
    bestsize += 1;
  }
  while (besti + bestsize < ahi && bestj + bestsize < bhi && a[besti + bestsize] === b[bestj + bestsize]) bestsize += 1;
  return [besti, bestj, bestsize];
};

const matchingTotal = (a: readonly string[], b: readonly string[], b2j: Map<string, number[]>): number => {
  const queue: [number, number, number, number][] = [[0, a.length, 0, b.length]];
  let total = 0;
  while (queue.length > 0) {
    const [alo, ahi, blo, bhi] = queue.pop() as [number, number, number, number];
    const [i, j, k] = longestMatch(a, b, b2j, alo, ahi, blo, bhi);
    if (k === 0) continue;
    total += k;
    if (alo < i && blo < j) queue.push([alo, i, blo, j]);
    if (i + k < ahi && j + k < bhi) queue.push([i + k, ahi, j + k, bhi]);
  }
  return total;
};

const ratioOf = (matches: number, length: number): number => (length > 0 ? (2 * matches) / length : 1);

const quickRatio = (a: readonly string[], b: readonly string[]): number => {
  const avail = new Map<string, number>();
  for (const ch of b) avail.set(ch, (avail.get(ch) ?? 0) + 1);
  let matches = 0;
  for (const ch of a) {
    const n = avail.get(ch) ?? 0;
    avail.set(ch, n - 1);
    if (n > 0) matches += 1;
  }
  return ratioOf(matches, a.length + b.length);
};

/** The best `n` choices scoring at least `cutoff`, best first (ties: the larger string first, as Python). */
export const closeMatches = (word: string, possibilities: readonly string[], n = 3, cutoff = 0.6): string[] => {
  const b = chars(word);
  const b2j = buildB2j(b);
  const scored: [number, string][] = [];
  for (const x of possibilities) {
    const a = chars(x);
    const total = a.length + b.length;
    if (ratioOf(Math.min(a.length, b.length), total) < cutoff) continue;
    if (quickRatio(a, b) < cutoff) continue;
    const ratio = ratioOf(matchingTotal(a, b, b2j), total);
    if (ratio >= cutoff) scored.push([ratio, x]);
  }
  scored.sort((p, q) => q[0] - p[0] || (q[1] > p[1] ? 1 : q[1] < p[1] ? -1 : 0));
  return scored.slice(0, n).map(([, x]) => x);
};
