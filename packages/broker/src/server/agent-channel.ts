// What a flow sees of one agent connection: its identity, output with backpressure, stdin, cancellation.
// The WebSocket details stay in agent-connection.ts.
import type { Writable } from 'node:stream';
import type { ApprovalPending, CommandExit } from '@aws-guard/shared/protocol/messages';
import type { Identity } from '../auth/identity.js';

export type CancelReason = 'signal' | 'disconnect' | 'user';

export type AgentChannel = Readonly<{
  identity: Identity;
  /** Tells the shim the request id and whether to start streaming its stdin. */
  accept: (requestId: string, stdin: boolean) => void;
  /** Sends output; the promise (if any) resolves when the agent has room for more. */
  write: (stream: 'stdout' | 'stderr', chunk: Buffer) => void | Promise<void>;
  /** Routes the agent's stdin frames into this writable (the CLI's stdin). */
  pipeStdinTo: (target: Writable) => void;
  exit: (requestId: string, exitCode: number, reason: CommandExit['reason']) => void;
  /** A gateway failure: the shim prints it and exits 255. */
  error: (code: string, message: string, requestId?: string) => void;
  /** Tells the shim the command waits for a human decision. */
  approvalPending: (message: ApprovalPending) => void;
  /** Aborted when the agent cancels (Ctrl-C, SIGTERM) or disconnects. */
  cancelled: AbortSignal;
}>;
