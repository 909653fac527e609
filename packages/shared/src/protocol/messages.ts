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
  stream: z.enum(['stdin', 'stdout', 'stderr']),
  bytes: count,
});

export const clientMessageSchema = z.discriminatedUnion('type', [
  clientHelloSchema,
  commandRunSchema,
  commandStdinEndSchema,
  commandCancelSchema,
  flowAckSchema,
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

export const serverMessageSchema = z.discriminatedUnion('type', [
  serverHelloSchema,
  commandAcceptedSchema,
  commandExitSchema,
  errorMessageSchema,
  flowAckSchema,
  approvalPendingSchema,
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
