// A private tmux server for tests that drive a real terminal: its own socket (-L), so that tests running at the
// same time never share or kill each other's server; what a pane shows; waiting until it shows something.
// tmux missing is a failure with an install hint, never a skip (.ci/run installs it).
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { requireBinary } from './service-process.js';

export const TMUX_INSTALL_HINT = 'apt-get install -y tmux';

export type CaptureOptions = Readonly<{
  /** The scrollback too (`-S -`), not only the visible rows. */
  history?: boolean;
  /** Colours and attributes as escape sequences (`-e`). */
  escapes?: boolean;
}>;

export type Tmux = Readonly<{
  /** The socket name (-L): unique per test process and name. */
  socket: string;
  /** `tmux -L SOCKET ARGS…`; throws on a non-zero exit. */
  run: (...args: string[]) => string;
  /**
   * A detached session of a fixed size running `command` (argv, no shell) in an environment of exactly `env`:
   * the tmux server's own environment is the test runner's, which the pane must not inherit.
   */
  newSession: (name: string, o: { width: number; height: number; env: NodeJS.ProcessEnv; command: readonly string[] }) => void;
  /** What the pane shows, wrapped lines joined (`-J`), trailing blank lines and spaces removed. */
  capture: (target: string, o?: CaptureOptions) => string;
  /** Polls the pane until `until` holds; throws, showing the screen, after `timeoutMs`. */
  waitFor: (target: string, until: RegExp | ((screen: string) => boolean), what: string, o?: CaptureOptions & { timeoutMs?: number }) => Promise<string>;
  /** Stops the server (and every pane's process) and removes its socket; no error when it is already gone. */
  kill: () => void;
}>;

export const startTmux = (name: string): Tmux => {
  requireBinary('tmux', TMUX_INSTALL_HINT);
  const socket = `aws-guard-${name}-${process.pid}`;
  const run = (...args: string[]) => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
  const capture = (target: string, o: CaptureOptions = {}) =>
    run('capture-pane', '-p', '-J', ...(o.escapes === true ? ['-e'] : []), ...(o.history === true ? ['-S', '-'] : []), '-t', target)
      .split('\n')
      .map((line) => line.trimEnd())
      .join('\n')
      .trimEnd();
  return {
    socket,
    run,
    newSession: (session, o) => {
      const env = Object.entries(o.env).flatMap(([k, v]) => (v === undefined ? [] : [`${k}=${v}`]));
      run('new-session', '-d', '-s', session, '-x', String(o.width), '-y', String(o.height), 'env', '-i', ...env, ...o.command);
    },
    capture,
    waitFor: async (target, until, what, o = {}) => {
      const holds = typeof until === 'function' ? until : (screen: string) => until.test(screen);
      const deadline = Date.now() + (o.timeoutMs ?? 30_000);
      for (;;) {
        const screen = capture(target, o);
        if (holds(screen)) return screen;
        if (Date.now() > deadline) throw new Error(`the terminal never showed ${what}:\n${screen}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    kill: () => {
      try {
        execFileSync('tmux', ['-L', socket, 'kill-server'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      } catch (e) {
        // Already gone (its last session ended): nothing to stop. Anything else is a real failure.
        if (!/no server running|error connecting/.test(String((e as { stderr?: string }).stderr))) throw e;
      }
      // tmux leaves its socket file behind; one per test run would pile up in /tmp.
      rmSync(join(process.env['TMUX_TMPDIR'] ?? '/tmp', `tmux-${process.getuid?.() ?? 0}`, socket), { force: true });
    },
  };
};
