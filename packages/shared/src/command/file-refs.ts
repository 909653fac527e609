// Which argument values name local files, and which way the data goes (AWS-CLI.md §3, §7 step 5): paramfile
// prefixes, `key@=file://` inside shorthand, streaming-blob and custom plain paths, the outfile positional.
// Paths are kept exactly as written (`~`, `$VAR` included): the CLI expands them on the machine it runs on.
import type { ArgSpec } from '../aws-model/model-types.js';
import type { ParsedValue } from './argparse-parse.js';
import type { FileRefForm, ForbiddenUse, LocalFileRef } from './aws-command.js';

export type FileFindings = Readonly<{ refs: readonly LocalFileRef[]; forbidden: readonly ForbiddenUse[] }>;

const PREFIXES = [
  ['file://', 'file'],
  ['fileb://', 'fileb'],
] as const;
const URL_PREFIXES = ['http://', 'https://'];

const argName = (a: ArgSpec): string => (a.positional ? a.name : `--${a.name}`);

const ref = (a: ArgSpec, path: string, direction: 'in' | 'out', form: FileRefForm, tree = false): LocalFileRef =>
  Object.freeze({ arg: argName(a), path, direction, form, tree, deletes: false });

/** The value paramfile loading sees: a string, or the single element of a one-value list (paramfile.py). */
export const paramfileValue = (value: ParsedValue): string | null => {
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.length === 1 && typeof value[0] === 'string') return value[0];
  return null;
};

/** `key@=file://path` / `key@=fileb://path` occurrences (shorthand.py _keyval / _hash_literal), quotes allowed. */
const SHORTHAND_FILE = /@\s*=\s*\[?\s*(?:'(fileb?):\/\/([^']*)'|"(fileb?):\/\/([^"]*)"|(fileb?):\/\/([^,\]}]*))/g;

const shorthandRefs = (a: ArgSpec, value: ParsedValue): LocalFileRef[] => {
  const values = typeof value === 'string' ? [value] : Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  const out: LocalFileRef[] = [];
  for (const v of values) {
    // A value that looks like JSON is never parsed as shorthand (ParamShorthandParser._should_parse_as_shorthand).
    if (/^\s*[[{]/.test(v)) continue;
    for (const m of v.matchAll(SHORTHAND_FILE)) {
      const kind = m[1] ?? m[3] ?? m[5];
      // An unquoted value ends at `,`, `]` or `}`; trailing blanks are dropped (shorthand.py _second_value).
      const path = m[2] ?? m[4] ?? (m[6] ?? '').trimEnd();
      out.push(ref(a, path, 'in', kind === 'fileb' ? 'shorthand-fileb' : 'shorthand-file'));
    }
  }
  return out;
};

const plainRefs = (a: ArgSpec, path: string): LocalFileRef[] => {
  if (a.outfile) return [ref(a, path, 'out', 'outfile')];
  if (a.streamingBlob) return [ref(a, path, 'in', 'plain')];
  switch (a.localPath) {
    case 'r':
      return [ref(a, path, 'in', 'plain')];
    case 'w':
      return [ref(a, path, 'out', 'plain')];
    case 'rw':
      return [ref(a, path, 'in', 'plain'), ref(a, path, 'out', 'plain')];
    case 'rt':
      return [ref(a, path, 'in', 'plain', true)];
    default:
      return [];
  }
};

const isPlainPath = (a: ArgSpec): boolean => a.outfile || a.streamingBlob || (a.localPath !== null && a.localPath !== 's3');

/** File references and file-related refusals for one parser level's given values. */
export const findFileRefs = (values: ReadonlyMap<ArgSpec, ParsedValue>, cliMajor: 1 | 2): FileFindings => {
  const refs: LocalFileRef[] = [];
  const forbidden: ForbiddenUse[] = [];
  for (const [a, value] of values) {
    const single = a.paramfile ? paramfileValue(value) : null;
    const prefix = single === null ? undefined : PREFIXES.find(([p]) => single.startsWith(p));
    if (single !== null && prefix !== undefined) {
      refs.push(ref(a, single.slice(prefix[0].length), 'in', prefix[1]));
      if (isPlainPath(a))
        forbidden.push({
          code: 'FORBIDDEN_INDIRECT_PATH',
          arg: argName(a),
          reason: `${argName(a)} takes a path; given as ${prefix[0]}… the CLI would use the file's content as the path to open`,
        });
      continue;
    }
    if (single !== null && cliMajor === 1 && URL_PREFIXES.some((p) => single.startsWith(p)))
      forbidden.push({
        code: 'FORBIDDEN_URL_PARAM',
        arg: argName(a),
        reason: `AWS CLI v1 would fetch ${single.slice(0, 200)} from the broker's network and use the response as the value`,
      });
    if (typeof value === 'string' && isPlainPath(a)) refs.push(...plainRefs(a, value));
    if (a.shorthand) refs.push(...shorthandRefs(a, value));
  }
  return { refs, forbidden };
};
