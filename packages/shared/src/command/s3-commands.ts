// The high-level `aws s3 …` commands: what each calls (AWS-CLI.md §2.1, verified with --debug), which of its
// paths are local files and which way they go (§3.4), and the path checks the CLI makes before any call
// (awscli/customizations/s3/subcommands.py check_path_type and _validate_streaming_paths).
import type { LocalFileRef } from './aws-command.js';
import type { Call, Expansion, Params } from './custom-commands.js';

const isS3 = (path: string): boolean => path.startsWith('s3://');
const s3 = (...apis: string[]): Call[] => apis.map((api) => ({ service: 's3', api }));

const pathsOf = (p: Params, name: 'paths' | 'path'): readonly string[] => {
  const v = p[name];
  return typeof v === 'string' ? [v] : Array.isArray(v) ? v : [];
};

const flag = (p: Params, name: string): boolean => p[name] === true;

/** `s3 ls` with no bucket lists buckets; `s3 ls b` and `s3 ls s3://b/p` list objects. */
const lsTarget = (p: Params): string => {
  const [path = 's3://'] = pathsOf(p, 'paths');
  return isS3(path) ? path.slice('s3://'.length) : path;
};

const transfer = (name: 'cp' | 'mv' | 'sync', p: Params): Expansion => {
  const [src = '', dst = ''] = pathsOf(p, 'paths');
  const tree = name === 'sync' || flag(p, 'recursive');
  const list = tree ? s3('ListObjectsV2') : [];
  const moveDelete = name === 'mv' && isS3(src) ? s3('DeleteObject') : [];
  const syncDelete = name === 'sync' && flag(p, 'delete') && isS3(dst) ? s3('DeleteObject') : [];
  let main: string;
  let calls: Call[];
  if (isS3(src) && isS3(dst)) [main, calls] = ['CopyObject', [...(tree ? list : s3('HeadObject')), ...s3('CopyObject')]];
  else if (isS3(src)) [main, calls] = ['GetObject', [...(tree ? list : s3('HeadObject')), ...s3('GetObject')]];
  else [main, calls] = ['PutObject', [...(name === 'sync' ? list : []), ...s3('PutObject')]];
  // --dryrun prints what it would do: only the listing happens.
  if (flag(p, 'dryrun')) return { calls: list, main: list.length > 0 ? 'ListObjectsV2' : null };
  return { calls: [...calls, ...moveDelete, ...syncDelete], main };
};

export const expandS3Command = (name: string, p: Params): Expansion => {
  switch (name) {
    case 'ls':
      return lsTarget(p) === '' ? { calls: s3('ListBuckets'), main: 'ListBuckets' } : { calls: s3('ListObjectsV2'), main: 'ListObjectsV2' };
    case 'cp':
    case 'mv':
    case 'sync':
      return transfer(name, p);
    case 'rm': {
      const recursive = flag(p, 'recursive');
      if (flag(p, 'dryrun')) return recursive ? { calls: s3('ListObjectsV2'), main: 'ListObjectsV2' } : { calls: [], main: null };
      return { calls: recursive ? s3('ListObjectsV2', 'DeleteObject') : s3('DeleteObject'), main: 'DeleteObject' };
    }
    case 'mb':
      return { calls: p.tags === undefined ? s3('CreateBucket') : s3('CreateBucket', 'PutBucketTagging'), main: 'CreateBucket' };
    case 'rb':
      return { calls: flag(p, 'force') ? s3('ListObjectsV2', 'DeleteObject', 'DeleteBucket') : s3('DeleteBucket'), main: 'DeleteBucket' };
    case 'website':
      return { calls: s3('PutBucketWebsite'), main: 'PutBucketWebsite' };
    case 'presign':
      // Signed locally; the URL grants GetObject with the broker's credentials.
      return { calls: [], main: null, extraIam: ['s3:GetObject'] };
    default:
      throw new Error(`s3 ${name}: not a known s3 command`);
  }
};

const USAGE: Readonly<Record<string, string>> = {
  cp: 'usage: aws s3 cp <LocalPath> <S3Uri> or <S3Uri> <LocalPath> or <S3Uri> <S3Uri>',
  mv: 'usage: aws s3 mv <LocalPath> <S3Uri> or <S3Uri> <LocalPath> or <S3Uri> <S3Uri>',
  sync: 'usage: aws s3 sync <LocalPath> <S3Uri> or <S3Uri> <LocalPath> or <S3Uri> <S3Uri>',
  rm: 'usage: aws s3 rm <S3Uri>',
  mb: '<S3Uri>',
  rb: '<S3Uri>',
};

/** The message the CLI stops with before calling anything, or null when the paths are acceptable. */
export const checkS3Paths = (name: string, p: Params): string | null => {
  if (name === 'mb' || name === 'rb') return isS3(pathsOf(p, 'path')[0] ?? '') ? null : `${USAGE[name]}\nError: Invalid argument type`;
  if (name !== 'cp' && name !== 'mv' && name !== 'sync' && name !== 'rm') return null;
  const paths = pathsOf(p, 'paths');
  const type = paths.map((x) => (isS3(x) ? 's3' : 'local')).join('');
  const allowed = name === 'rm' ? ['s3'] : ['s3s3', 's3local', 'locals3'];
  if (!allowed.includes(type)) return `${USAGE[name]}\nError: Invalid argument type`;
  const streaming = paths.includes('-');
  if (streaming && (name !== 'cp' || flag(p, 'recursive')))
    return 'Streaming currently is only compatible with non-recursive cp commands';
  return null;
};

const ref = (path: string, direction: 'in' | 'out', tree: boolean, deletes: boolean): LocalFileRef =>
  Object.freeze({ arg: 'paths', path, direction, form: path === '-' ? 'stdio' : 's3-local', tree, deletes });

/** Local sides of `s3 cp/mv/sync` (after checkS3Paths accepted them). */
export const s3LocalFiles = (name: string, p: Params): readonly LocalFileRef[] => {
  if (name !== 'cp' && name !== 'mv' && name !== 'sync') return [];
  const [src = '', dst = ''] = pathsOf(p, 'paths');
  const tree = name === 'sync' || flag(p, 'recursive');
  const dryrun = flag(p, 'dryrun');
  const out: LocalFileRef[] = [];
  if (!isS3(src)) out.push(ref(src, 'in', tree && src !== '-', name === 'mv' && !dryrun));
  if (!isS3(dst)) {
    // sync compares against what is already there (size and mtime) before it writes or deletes.
    if (name === 'sync') out.push(ref(dst, 'in', true, false));
    out.push(ref(dst, 'out', tree && dst !== '-', name === 'sync' && flag(p, 'delete') && !dryrun));
  }
  return out;
};
