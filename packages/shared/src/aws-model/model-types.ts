// The generated AWS CLI model (packages/shared/model/): its compact on-disk form, and the readable form the
// store hands out. The on-disk keys are short because the files ship in the bundle; see docs/parser.md.

/** How the CLI opens a custom argument's value as a local path (scripts/aws-model/local_paths.py). */
export type LocalPathKind = 'r' | 'w' | 'rw' | 'rt' | 's3';

/** One argparse action of one parser level, exactly as the real CLI builds it. */
export type RawOption = Readonly<{
  /** Option string without `--`, or a positional's argparse name (metavar, else dest). */
  n: string;
  p?: 1;
  /** argparse action: store (absent), store_true, store_false, store_const, version, append. */
  a?: 't' | 'f' | 'c' | 'v' | 'ap';
  m?: '?' | '*' | '+' | number;
  r?: 1;
  t?: 'i' | 'f';
  c?: readonly string[];
  k?: string;
  /** The value is not passed through paramfile loading (file://, fileb://, http(s):// in v1). */
  np?: 1;
  bl?: 1;
  sb?: 1;
  lp?: LocalPathKind;
  of?: 1;
  /** This option's presence (exact token) makes every option not required: 1 always, 2 unless followed by `output`. */
  or?: 1 | 2;
  /** The value may be shorthand syntax (so `key@=file://…` loads a file inside it). */
  sh?: 1;
  /** The API member the option fills, where it is not the option's own name (argrename, custom arguments). */
  mb?: string;
}>;

/** An option may be stored once in index.json `shared` and referenced by its index. */
export type RawOptionRef = number | RawOption;

export type RawNode =
  | Readonly<{ k: 'svc'; s: Readonly<Record<string, RawNode>> }>
  | Readonly<{ k: 'op'; a: string; h?: string; o: readonly RawOptionRef[]; pg?: 1; so?: string | 1; w?: string; x?: string }>
  | Readonly<{ k: 'cmd'; o: readonly RawOptionRef[]; s?: Readonly<Record<string, RawNode>>; x: string }>;

export type RawSensitiveEntry = Readonly<{ m?: Readonly<Record<string, string | 1>>; l?: string | 1; v?: string | 1 }>;

export type RawCommandFile = Readonly<{
  n: string;
  svc?: string;
  sid?: string;
  iam?: string;
  root: RawNode;
  sg?: Readonly<Record<string, RawSensitiveEntry>>;
}>;

export type RawIndex = Readonly<{
  v: number;
  cli: string;
  botocore: string;
  python: string;
  globals: readonly RawOption[];
  helpTopics: readonly string[];
  shared: readonly RawOption[];
  commands: Readonly<Record<string, Readonly<{ f: string; svc?: string; iam?: string; pv?: 1 }>>>;
}>;

export type ArgAction = 'store' | 'store_true' | 'store_false' | 'store_const' | 'append' | 'version';
export type Nargs = null | '?' | '*' | '+' | number;

/** One argument of one command: what argparse does with it, and what the CLI then does with its value. */
export type ArgSpec = Readonly<{
  name: string;
  positional: boolean;
  action: ArgAction;
  nargs: Nargs;
  required: boolean;
  type: 'int' | 'float' | null;
  choices: readonly string[] | null;
  const: string | null;
  /** A single value starting with file:// or fileb:// is replaced by that file (and http(s):// fetched by v1). */
  paramfile: boolean;
  blob: boolean;
  /** A streaming blob input: the value is a plain local path the CLI opens and uploads. */
  streamingBlob: boolean;
  localPath: LocalPathKind | null;
  /** The positional outfile of a streaming-output operation: a local file the CLI writes. */
  outfile: boolean;
  overridesRequired: 0 | 1 | 2;
  /** The value may be shorthand syntax, where `key@=file://path` loads a file. */
  shorthand: boolean;
  /** The API input member this option fills when it differs from the option's name (`--notification-endpoint` → `Endpoint`). */
  member: string | null;
}>;

export type CommandPath = readonly string[];

export type ServiceNode = Readonly<{ kind: 'service'; path: CommandPath; operations: readonly string[] }>;

export type OperationNode = Readonly<{
  kind: 'operation';
  path: CommandPath;
  /** The API operation the CLI calls (for a waiter: the operation it polls). */
  api: string;
  http: Readonly<{ method: string; uri: string }> | null;
  args: readonly ArgSpec[];
  paginated: boolean;
  /** The botocore waiter name for `wait <waiter>` commands. */
  waiter: string | null;
  /** The CLI class when it is not a plain ServiceOperation (e.g. `sessionmanager.StartSessionCommand`). */
  impl: string | null;
  /** Root of the sensitive-output shape graph: a shape name, `true` (the whole output), or null. */
  sensitiveOutput: string | true | null;
}>;

export type CustomNode = Readonly<{
  kind: 'custom';
  path: CommandPath;
  args: readonly ArgSpec[];
  subcommands: readonly string[];
  impl: string;
}>;

export type CommandNode = ServiceNode | OperationNode | CustomNode;

export type CommandInfo = Readonly<{
  /** The CLI command name (`s3api`, `s3`, `configure`). */
  name: string;
  /** The botocore service it is bound to (`s3` for `s3api`), null for `s3`, `configure`, `history`. */
  botocoreService: string | null;
  /** IAM action prefix (`s3`, `elasticloadbalancing`, `states`), null for custom top-level commands. */
  iamPrefix: string | null;
  /** A preview service (`sdb`): the CLI refuses it unless enabled in its config, which a broker never does. */
  preview: boolean;
}>;
