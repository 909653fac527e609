// What every `aws-guard` sub-command receives from main: its output streams and environment, never globals.
import type { Command } from 'commander';

export type CommandContext = Readonly<{
  env: Readonly<Record<string, string | undefined>>;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** The aws-guard version, for --version and hellos. */
  version: string;
  /** Set by an action to the exit code the process should end with (default 0). */
  setExitCode: (code: number) => void;
}>;

/** Each file in commands/ exports one of these: it adds its sub-command to the program. */
export type RegisterCommand = (program: Command, ctx: CommandContext) => void;

/** Exit code of a command the user interrupted (Ctrl-C: 128 + SIGINT), as shells and the shim report it. */
export const INTERRUPTED_EXIT = 130;
