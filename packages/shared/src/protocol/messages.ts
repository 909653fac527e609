// Every JSON message on the agent channel as a schema; the TypeScript types are inferred from these.
// Data (stdin, stdout, stderr bytes) travels in binary frames, see data-frame.ts.
// zod/mini, not zod: the shim loads these on every `aws` call, and mini is ~20 KB against ~450 KB.
import * as z from 'zod/mini';

const count = z.number().check(z.int(), z.nonnegative());
const positiveInt = z.number().check(z.int(), z.positive());
const text = (max: number) => z.string().check(z.maxLength(max));

const protocolRange = z.strictObject({ min: positiveInt, max: positiveInt });

/** The agent environment the broker honours; anything else the agent has is never sent. */
export const forwardedEnvSchema = z.strictObject({
  AWS_REGION: z.optional(text(64)),
  AWS_DEFAULT_REGION: z.optional(text(64)),
  AWS_DEFAULT_OUTPUT: z.optional(text(32)),
  /** How the CLI decodes `file://` text (AWS-CLI.md §3.1); the broker passes only a codec name. */
  AWS_CLI_FILE_ENCODING: z.optional(text(64)),
});
export const FORWARDED_ENV_NAMES = Object.freeze(Object.keys(forwardedEnvSchema.shape)) as readonly (keyof z.infer<
  typeof forwardedEnvSchema
>)[];

export const clientHelloSchema = z.strictObject({
  type: z.literal('hello'),
  protocol: protocolRange,
  client: z.strictObject({ name: text(64), version: text(64) }),
});

export const commandRunSchema = z.strictObject({
  type: z.literal('command.run'),
  argv: z.array(text(256 * 1024)).check(z.maxLength(4096)),
  env: forwardedEnvSchema,
  terminal: z.strictObject({ columns: z.optional(z.number().check(z.int(), z.minimum(1), z.maximum(10_000))) }),
  /** The agent's cwd (absolute): under bubblewrap the CLI runs there, so its messages name paths as the agent's would. */
  cwd: z.optional(text(4096)),
});

export const commandStdinEndSchema = z.strictObject({ type: z.literal('command.stdin-end') });

export const commandCancelSchema = z.strictObject({
  type: z.literal('command.cancel'),
  reason: z.enum(['signal', 'disconnect', 'user']),
  signal: z.optional(z.enum(['SIGINT', 'SIGTERM', 'SIGHUP'])),
});

/** The receiver of a data stream has written `bytes` more of it: the sender may send that much more. */
export const flowAckSchema = z.strictObject({
  type: z.literal('flow.ack'),
  stream: z.enum(['stdin', 'stdout', 'stderr', 'upload', 'download']),
  bytes: count,
});

// Local files (docs/files.md). The broker names each local path of the command a "root" (a file or a tree);
// the shim resolves it in the agent's filesystem, describes it, and sends only the contents asked for.
const rootId = z.number().check(z.int(), z.nonnegative(), z.maximum(1023));
/** A path inside a root, `/`-separated, relative; `''` is the root itself. Checked for escapes on both ends. */
const relPath = text(4096);
const mtimeMs = z.number().check(z.nonnegative());

export const fileRootRequestSchema = z.strictObject({
  id: rootId,
  /** The path as written on the command line. */
  path: text(4096),
  /** Expand `~` and `$VAR` with the agent's environment, as the CLI does for file://, fileb:// and plain paths. */
  expand: z.boolean(),
  /** List the files under a directory (a tree transfer), not just the root's own kind. */
  tree: z.boolean(),
  /** Follow symlinks inside the tree (the s3 commands' default); when false they are left out, as the CLI does. */
  followSymlinks: z.boolean(),
  /** The command may write or delete here; the shim refuses downloads and deletions for any other root. */
  writes: z.boolean(),
});

export const fileEntrySchema = z.strictObject({ path: relPath, size: count, mtimeMs });

export const fileRootStatSchema = z.strictObject({
  type: z.literal('files.root'),
  id: rootId,
  kind: z.enum(['missing', 'file', 'dir', 'refused']),
  size: z.optional(count),
  mtimeMs: z.optional(mtimeMs),
  /** Why the shim will not send this root (kind refused): one line naming the path. */
  message: z.optional(text(2048)),
});

/** Files under a tree root, in batches so that no message exceeds the text frame limit. */
export const fileEntriesSchema = z.strictObject({
  type: z.literal('files.entries'),
  id: rootId,
  entries: z.array(fileEntrySchema).check(z.maxLength(1000)),
});

export const filesListedSchema = z.strictObject({ type: z.literal('files.listed') });

/** One file's contents follow on the upload channel; `path` is inside root `id`. */
export const uploadBeginSchema = z.strictObject({ type: z.literal('upload.begin'), id: rootId, path: relPath, size: count });
export const uploadEndSchema = z.strictObject({ type: z.literal('upload.end'), id: rootId, path: relPath, bytes: count });
/** The file changed or vanished while it was read: the command does not run with half a file. */
export const uploadFailedSchema = z.strictObject({ type: z.literal('upload.failed'), id: rootId, path: relPath, message: text(2048) });

/**
 * A fresh token for this connection (docs/identity.md "Tokens that rotate"): the shim re-reads
 * AWS_GUARD_TOKEN_FILE while it waits for an approval and sends the token when it changed. The broker accepts it
 * only for the same identity; it extends how long the connection's approval may be used, nothing else.
 */
export const authRefreshSchema = z.strictObject({ type: z.literal('auth.refresh'), token: text(16 * 1024) });

export const clientMessageSchema = z.discriminatedUnion('type', [
  clientHelloSchema,
  commandRunSchema,
  commandStdinEndSchema,
  commandCancelSchema,
  flowAckSchema,
  fileRootStatSchema,
  fileEntriesSchema,
  filesListedSchema,
  uploadBeginSchema,
  uploadEndSchema,
  uploadFailedSchema,
  authRefreshSchema,
]);

export const serverHelloSchema = z.strictObject({
  type: z.literal('hello'),
  protocol: positiveInt,
  broker: z.strictObject({ version: z.string() }),
  /** The AWS CLI the broker runs: agents' behaviour (exit codes, options) follows its major version. */
  cli: z.strictObject({ version: z.string(), major: z.number().check(z.int()), versionText: z.string() }),
});

/** The broker took the command: its request id, and whether the shim should stream its stdin. */
export const commandAcceptedSchema = z.strictObject({
  type: z.literal('command.accepted'),
  requestId: z.string(),
  stdin: z.boolean(),
});

export const commandExitSchema = z.strictObject({
  type: z.literal('command.exit'),
  requestId: z.string(),
  exitCode: z.number().check(z.int(), z.minimum(0), z.maximum(255)),
  /** Why the command ended: the CLI exited, or the broker stopped it. */
  reason: z.enum(['exited', 'refused', 'timeout', 'output-limit', 'cancelled', 'killed']),
});

/** A gateway failure (not the CLI's): the shim prints `aws-guard: <message>` and exits 255. */
export const errorMessageSchema = z.strictObject({
  type: z.literal('error'),
  code: z.string(),
  message: z.string(),
  requestId: z.optional(z.string()),
});

/** The command waits for a human: the shim says so on stderr and waits (AWS_GUARD_APPROVAL_WAIT). */
export const approvalPendingSchema = z.strictObject({
  type: z.literal('approval.pending'),
  requestId: z.string(),
  approvalId: z.string(),
  /** `s3api delete-bucket` */
  command: z.string(),
  /** Why it needs approval: the rule and its message. */
  reason: z.string(),
  requiredApprovers: positiveInt,
  /** ISO time the pending request expires. */
  expiresAt: z.string(),
});

/** Every execution slot is taken: the command waits its turn (taken per agent, round-robin). Sent once. */
export const commandQueuedSchema = z.strictObject({
  type: z.literal('command.queued'),
  requestId: z.string(),
  /** Waiting requests served before this one, as of now (others' later requests may still take turns first). */
  position: count,
  running: count,
  max: positiveInt,
  /**
   * Sent only as `agent`: the agent already runs its own cap (`exec.maxPerAgent`), and `running`/`max` are the
   * agent's. Absent: the broker's limit (every slot taken), as before this field existed.
   */
  limit: z.optional(z.literal('agent')),
});

/** The broker needs to know these local paths (and, for trees, the files under them). */
export const filesRequestSchema = z.strictObject({
  type: z.literal('files.request'),
  requestId: z.string(),
  roots: z.array(fileRootRequestSchema).check(z.maxLength(1024)),
});

/** Send these files' contents, in this order; `path` '' is a root that is itself a file. */
export const filesFetchSchema = z.strictObject({
  type: z.literal('files.fetch'),
  files: z.array(z.strictObject({ id: rootId, path: relPath })).check(z.maxLength(1000)),
  /** No more fetches follow. */
  last: z.boolean(),
});

/** A file the CLI wrote: its bytes follow on the download channel, then download.end. */
export const downloadBeginSchema = z.strictObject({ type: z.literal('download.begin'), id: rootId, path: relPath, size: count, mtimeMs });
export const downloadEndSchema = z.strictObject({ type: z.literal('download.end'), id: rootId, path: relPath });
/** The CLI deleted this local file (`s3 mv` from local, `s3 sync --delete` to local): delete it on the agent. */
export const fileDeleteSchema = z.strictObject({ type: z.literal('files.delete'), id: rootId, path: relPath });

export const serverMessageSchema = z.discriminatedUnion('type', [
  serverHelloSchema,
  commandAcceptedSchema,
  commandExitSchema,
  errorMessageSchema,
  flowAckSchema,
  approvalPendingSchema,
  commandQueuedSchema,
  filesRequestSchema,
  filesFetchSchema,
  downloadBeginSchema,
  downloadEndSchema,
  fileDeleteSchema,
]);

export type ClientHello = z.infer<typeof clientHelloSchema>;
export type CommandRun = z.infer<typeof commandRunSchema>;
export type ForwardedEnv = z.infer<typeof forwardedEnvSchema>;
export type ClientMessage = z.infer<typeof clientMessageSchema>;
export type ServerHello = z.infer<typeof serverHelloSchema>;
export type CommandExit = z.infer<typeof commandExitSchema>;
export type ErrorMessage = z.infer<typeof errorMessageSchema>;
export type ServerMessage = z.infer<typeof serverMessageSchema>;
export type FlowStream = z.infer<typeof flowAckSchema>['stream'];
export type ApprovalPending = z.infer<typeof approvalPendingSchema>;
export type CommandQueued = z.infer<typeof commandQueuedSchema>;
export type FileRootRequest = z.infer<typeof fileRootRequestSchema>;
export type FileRootStat = z.infer<typeof fileRootStatSchema>;
export type FileEntry = z.infer<typeof fileEntrySchema>;
export type FilesFetch = z.infer<typeof filesFetchSchema>;
