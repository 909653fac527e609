// Starts the `aws-guard approve` terminal UI and resolves with the exit code when the user quits.
// Ink and React are imported only after the TTY check, so the refusal path never loads them (TOOLCHAIN #8, #9).
import type { ApproverClient } from './approver-client.js';

export type ApproveTuiOptions = Readonly<{
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WriteStream;
  /** Where the no-TTY refusal goes; stdout when absent. */
  stderr?: NodeJS.WritableStream;
  now?: () => Date;
}>;

export const EXIT_NO_TTY = 2;

export const NO_TTY_MESSAGE = [
  'aws-guard approve: the interactive approver needs a terminal (stdin and stdout must be a TTY).',
  'Use the plain commands instead:',
  '  aws-guard pending [--json]',
  '  aws-guard approve ID [--reason TEXT]',
  '  aws-guard deny ID --reason TEXT',
  '',
].join('\n');

export const runApproveTui = async (client: ApproverClient, opts: ApproveTuiOptions): Promise<number> => {
  // Ink needs raw mode on stdin, and redraws with cursor moves that would garble a pipe or a file.
  if (!opts.stdin.isTTY || !opts.stdout.isTTY) {
    (opts.stderr ?? opts.stdout).write(NO_TTY_MESSAGE);
    return EXIT_NO_TTY;
  }
  const [{ render }, { ApproveApp }, { createTickingClock }] = await Promise.all([
    import('ink'),
    import('./approve-app.js'),
    import('./use-clock.js'),
  ]);
  const clock = createTickingClock(opts.now);
  // Ctrl+C goes through the app's own key handling so it quits exactly like `q`.
  const app = render(<ApproveApp client={client} clock={clock} />, { stdin: opts.stdin, stdout: opts.stdout, exitOnCtrlC: false });
  // A render error rejects here and reaches the CLI's one error boundary rather than being turned into a code.
  await app.waitUntilExit();
  return 0;
};
