// The one check both ends apply to a path inside a transferred tree before touching the disk: the other side
// is not trusted to name only paths under the root (DESIGN §7.6). No I/O here.
export type RelPathProblem = 'empty-segment' | 'dot-segment' | 'absolute' | 'control-character' | 'too-long';

const MAX_SEGMENT = 255;

/** Why `rel` could leave its root or confuse a filesystem, or null when it is a plain relative path. `''` is the root. */
export const relPathProblem = (rel: string): RelPathProblem | null => {
  if (rel === '') return null;
  if (rel.startsWith('/')) return 'absolute';
  // NUL ends a C string early; other controls make names that a person reviewing the output cannot read.
  if (/[\x00-\x1f\x7f]/u.test(rel)) return 'control-character';
  for (const segment of rel.split('/')) {
    if (segment === '') return 'empty-segment';
    if (segment === '.' || segment === '..') return 'dot-segment';
    if (Buffer.byteLength(segment) > MAX_SEGMENT) return 'too-long';
  }
  return null;
};

export const describeRelPathProblem = (rel: string, problem: RelPathProblem): string =>
  `${JSON.stringify(rel.slice(0, 200))} is not a plain relative path (${problem.replace('-', ' ')})`;

/** Joins a checked relative path onto a root; `''` gives the root. */
export const joinRel = (root: string, rel: string): string => (rel === '' ? root : `${root.endsWith('/') ? root.slice(0, -1) : root}/${rel}`);
