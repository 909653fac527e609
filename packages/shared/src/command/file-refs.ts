// Which argument values name local files, and which way the data goes (AWS-CLI.md §3, §7 step 5): paramfile
// prefixes, `key@=file://` inside shorthand, streaming-blob and custom plain paths, the outfile positional.
// Paths are kept exactly as written (`~`, `$VAR` included): the CLI expands them on the machine it runs on.
import type { ArgSpec } from '../aws-model/model-types.js';
import type { ParsedValue } from './argparse-parse.js';
import type { FileRefForm, ForbiddenUse, LocalFileRef } from './aws-command.js';
import { shorthandFiles } from './shorthand-files.js';

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

const shorthandRefs = (a: ArgSpec, value: ParsedValue): LocalFileRef[] => {
  const values = typeof value === 'string' ? [value] : Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  // A value that looks like JSON (for a list: its first element) is not parsed as shorthand at all.
  if (values.length === 0 || /^[\s\x1c-\x1f]*[[{]/u.test(values[0] as string)) return [];
  return values.flatMap((v) =>
    shorthandFiles(v).map((f) => ref(a, f.path, 'in', f.prefix === 'fileb://' ? 'shorthand-fileb' : 'shorthand-file')),
  );
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
