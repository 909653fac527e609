// What rendering gives back: the bytes the CLI prints, or, where the CLI's own formatter crashes on a shape, what
// it printed before the crash, its error text and its exit code, so the agent sees the same failure.

export type RenderCrash = Readonly<{
  code: 'OUTPUT_CLI_CRASH';
  /** str() of the Python exception. */
  message: string;
  /** What the CLI printed before it crashed. */
  stdout: string;
  /** Exactly what the CLI writes to stderr. */
  stderr: string;
  exitCode: 255;
}>;

export type Rendered = Readonly<{ ok: true; value: string }> | Readonly<{ ok: false; issue: RenderCrash }>;

const RESET = '\x1b[0m';

/**
 * What the CLI writes to stderr for an error raised after the call (awscli.utils.write_exception: a newline, the
 * message, a newline). With `--output table --color on`, colorama wraps stderr too and resets after each write.
 */
export const cliErrorText = (message: string, colorama: boolean): string =>
  colorama ? `\n${RESET}${message}${RESET}\n${RESET}` : `\n${message}\n`;

export const cliCrash = (message: string, stdout: string, colorama = false): Rendered => ({
  ok: false,
  issue: { code: 'OUTPUT_CLI_CRASH', message, stdout, stderr: cliErrorText(message, colorama), exitCode: 255 },
});
