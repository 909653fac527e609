// Every JSON message on the agent channel as a zod schema; the TypeScript types are inferred from these.
// Data (stdin, stdout, stderr bytes) travels in binary frames, see data-frame.ts.
import { z } from 'zod';

const count = z.number().int().nonnegative();

const protocolRange = z.strictObject({ min: z.number().int().positive(), max: z.number().int().positive() });

/** The agent environment the broker honours; anything else the agent has is never sent. */
export const forwardedEnvSchema = z.strictObject({
  AWS_REGION: z.string().max(64).optional(),
  AWS_DEFAULT_REGION: z.string().max(64).optional(),
  AWS_DEFAULT_OUTPUT: z.string().max(32).optional(),
});
export const FORWARDED_ENV_NAMES = Object.freeze(Object.keys(forwardedEnvSchema.shape)) as readonly (keyof z.infer<
  typeof forwardedEnvSchema
>)[];

export const clientHelloSchema = z.strictObject({
  type: z.literal('hello'),
  protocol: protocolRange,
  client: z.strictObject({ name: z.string().max(64), version: z.string().max(64) }),
});

export const commandRunSchema = z.strictObject({
  type: z.literal('command.run'),
  argv: z.array(z.string().max(256 * 1024)).max(4096),
  env: forwardedEnvSchema,
  terminal: z.strictObject({ columns: z.number().int().min(1).max(10_000).optional() }),
});

export const commandStdinEndSchema = z.strictObject({ type: z.literal('command.stdin-end') });

export const commandCancelSchema = z.strictObject({
  type: z.literal('command.cancel'),
  reason: z.enum(['signal', 'disconnect', 'user']),
  signal: z.enum(['SIGINT', 'SIGTERM', 'SIGHUP']).optional(),
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
  protocol: z.number().int().positive(),
  broker: z.strictObject({ version: z.string() }),
  /** The AWS CLI the broker runs: agents' behaviour (exit codes, options) follows its major version. */
  cli: z.strictObject({ version: z.string(), major: z.number().int(), versionText: z.string() }),
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
  exitCode: z.number().int().min(0).max(255),
  /** Why the command ended: the CLI exited, or the broker stopped it. */
  reason: z.enum(['exited', 'refused', 'timeout', 'output-limit', 'cancelled', 'killed']),
});

/** A gateway failure (not the CLI's): the shim prints `aws-guard: <message>` and exits with exitCode. */
export const errorMessageSchema = z.strictObject({
  type: z.literal('error'),
  code: z.string(),
  message: z.string(),
  requestId: z.string().optional(),
});

export const serverMessageSchema = z.discriminatedUnion('type', [
  serverHelloSchema,
  commandAcceptedSchema,
  commandExitSchema,
  errorMessageSchema,
  flowAckSchema,
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
