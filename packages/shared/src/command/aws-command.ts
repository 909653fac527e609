// The parsed, frozen form of one `aws …` command line: what the broker decides on (DESIGN §3 step 3).
// Produced only by parseCommand; the shim's own parse is a convenience and never trusted.

export const RISKS = ['read', 'write', 'destructive', 'privilege', 'secret_read', 'forbidden'] as const;
export type Risk = (typeof RISKS)[number];

export type FileDirection = 'in' | 'out';

/** How a local path was named on the command line (AWS-CLI.md §3). */
export type FileRefForm =
  | 'file' // --x file://p (text)
  | 'fileb' // --x fileb://p (bytes)
  | 'shorthand-file' // key@=file://p inside a shorthand value
  | 'shorthand-fileb'
  | 'plain' // a plain path parameter (--body p, --template-file p, --outfile p)
  | 'outfile' // the positional outfile of a streaming-output operation
  | 's3-local' // a local path among `s3 cp/mv/sync` paths
  | 'stdio'; // `-` meaning stdin or stdout (s3 cp)

export type LocalFileRef = Readonly<{
  /** The option (canonical, e.g. `--policy-document`) or positional name (`outfile`, `paths`). */
  arg: string;
  /** The path exactly as the agent wrote it, after the prefix (`~/p.json`, `$HOME/x`, `./a.txt`, `-`). */
  path: string;
  direction: FileDirection;
  form: FileRefForm;
  /** A directory tree (s3 cp --recursive, s3 sync) rather than one file. */
  tree: boolean;
  /** The command deletes this local file (`s3 mv` from local) or files under this tree (`s3 sync --delete`). */
  deletes?: boolean;
}>;

/** A use of an option or command that aws-guard refuses whatever the policy says (DESIGN §7.5, §7.6). */
export type ForbiddenUse = Readonly<{
  /** Stable code, e.g. FORBIDDEN_OPTION, FORBIDDEN_COMMAND, FORBIDDEN_URL_PARAM, LOCAL_ONLY_COMMAND. */
  code: string;
  /** What the agent wrote (`--endp`), or the command (`configure set`). */
  arg: string;
  /** What it resolved to (`--endpoint-url`), if different. */
  resolved?: string;
  reason: string;
}>;

/** What parseCommand produces: the command as the CLI would understand it, before risk classification. */
export type ParsedCommand = Readonly<{
  argv: readonly string[];
  /** CLI service name as typed and known to the CLI (`s3api`, `elbv2`); `''` for top-level (`--version`, `help`). */
  service: string;
  /** CLI operation name (`delete-bucket`), `wait <waiter>` for waiters, or the custom command (`cp`, `rb`). */
  operation: string;
  /** The main API operation (`DeleteBucket`), null where none is called (`s3 presign`, `--version`). */
  apiOperation: string | null;
  /** Every API operation the command performs, in order (`s3 rb --force` → ListObjectsV2, DeleteObject, DeleteBucket). */
  apiOperations: readonly string[];
  /** A high-level command implemented by the CLI itself rather than one API call. */
  custom: boolean;
  /** IAM actions, `prefix:Action`, deduplicated, sorted. */
  iamActions: readonly string[];
  /** The region the command targets: --region, else the env the agent sent, else null (broker default). */
  region: string | null;
  /** Global options, by canonical name without dashes (`output`, `query`, `region`, `endpoint-url`). */
  globals: Readonly<Record<string, string | true>>;
  /** Operation parameters by canonical option name without dashes (`bucket`), raw string values. */
  params: Readonly<Record<string, string | true | readonly string[]>>;
  localFiles: readonly LocalFileRef[];
  /** The command reads the agent's stdin (`s3 cp - s3://b/k`). */
  readsStdin: boolean;
  /** The command only prints help, a version or a skeleton: nothing is called. */
  localOnly: boolean;
  /** Uses refused whatever the policy says; filled by the parser, which alone knows how options resolve. */
  forbidden: readonly ForbiddenUse[];
}>;

/** A parsed command with its risk class: what policy evaluates and `aws-guard explain` prints. */
export type AwsCommand = ParsedCommand &
  Readonly<{
    risk: Risk;
    riskReasons: readonly string[];
  }>;
