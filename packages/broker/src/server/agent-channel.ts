// What a flow sees of one agent connection: its identity, output with backpressure, stdin, cancellation.
// The WebSocket details stay in agent-connection.ts.
import type { Writable } from 'node:stream';
import type { ApprovalPending, ClientMessage, CommandExit, CommandQueued, ServerMessage } from '@aws-guard/shared/protocol/messages';
import type { Identity } from '../auth/identity.js';

export type CancelReason = 'signal' | 'disconnect' | 'user';

export type ServerFileMessage = Extract<ServerMessage, { type: 'files.request' | 'files.fetch' | 'download.begin' | 'download.end' | 'files.delete' }>;
export type ClientFileMessage = Extract<ClientMessage, { type: 'files.root' | 'files.entries' | 'files.listed' | 'upload.begin' | 'upload.end' | 'upload.failed' }>;
/** What the shim sends about local files: a message, or bytes of the file being uploaded. */
export type FileEvent = Readonly<{ kind: 'message'; message: ClientFileMessage }> | Readonly<{ kind: 'data'; payload: Buffer }>;

export const CLIENT_FILE_MESSAGES: ReadonlySet<string> = new Set(['files.root', 'files.entries', 'files.listed', 'upload.begin', 'upload.end', 'upload.failed']);

/** The file side of the channel (files/file-exchange.ts builds requests and transfers on it). */
export type FileLink = Readonly<{
  send: (message: ServerFileMessage) => void;
  /** Bytes of the file being downloaded; the promise (if any) resolves when the agent has room for more. */
  writeDownload: (chunk: Buffer) => void | Promise<void>;
  ackUpload: (bytes: number) => void;
  /** Receives the shim's file events; without a listener they are a protocol error. */
  listen: (listener: ((event: FileEvent) => void) | undefined) => void;
}>;

export type AgentChannel = Readonly<{
  identity: Identity;
  /**
   * Until when the connection's token (or the fresher one the shim sent with auth.refresh) is valid: an approval
   * granted later is not used on this connection (hold-for-approval.ts). Absent = identity.expiresAt.
   */
  validUntil?: () => Date;
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
  files: FileLink;
  /** Tells the shim the command waits for a free execution slot. */
  queued: (info: Omit<CommandQueued, 'type'>) => void;
  /** Aborted when the agent cancels (Ctrl-C, SIGTERM) or disconnects. */
  cancelled: AbortSignal;
}>;
