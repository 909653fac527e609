// The process facts the shim needs, passed in so that tests can drive it without a real process.
import { NO_TIMING, type ShimTiming } from './shim-timing.js';

export type ShimSignal = 'SIGINT' | 'SIGTERM' | 'SIGHUP';

export type ShimIo = Readonly<{
  argv: readonly string[];
  env: Readonly<Record<string, string | undefined>>;
  /** The agent's working directory: relative local file paths resolve against it. */
  cwd: string;
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** Terminal width when stdout is a TTY, else undefined. */
  columns: number | undefined;
  /** A person watches stderr: the approval wait shows a live indicator there. */
  stderrIsTTY: boolean;
  version: string;
  /** Subscribes to the signals that cancel the remote command; returns the unsubscribe. */
  onSignal: (handler: (signal: ShimSignal) => void) => () => void;
  /** Phase marks for AWS_GUARD_SHIM_TIMING (shim-timing.ts). */
  timing: ShimTiming;
}>;

/** Exit codes of the shim's own failures (DESIGN §4); everything else is the CLI's exit code. */
export const SHIM_EXIT = Object.freeze({ notConfigured: 253, gatewayFailure: 255 });

export const SIGNAL_EXIT: Readonly<Record<ShimSignal, number>> = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 };

export const processShimIo = (argv: readonly string[], version: string, timing: ShimTiming = NO_TIMING): ShimIo => ({
  argv,
  env: process.env,
  cwd: process.cwd(),
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  columns: process.stdout.isTTY ? process.stdout.columns : undefined,
  stderrIsTTY: process.stderr.isTTY === true,
  version,
  onSignal: (handler) => {
    const signals: ShimSignal[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
    const listeners = signals.map((s) => [s, () => handler(s)] as const);
    for (const [s, l] of listeners) process.on(s, l);
    return () => {
      for (const [s, l] of listeners) process.off(s, l);
    };
  },
  timing,
});
