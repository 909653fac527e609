// Renders the approve app in ink-testing-library with a fake client and clock, plus the keys and a wait
// for a frame to show something (polling the event loop; no test asserts on how long anything takes).
import { render } from 'ink-testing-library';
import { ApproveApp } from '../../src/tui/approve-app.js';
import { createFakeApproverClient, type FakeApproverClient } from './fake-approver-client.js';
import { createFakeClock, type FakeClock } from './fake-clock.js';
import { T0 } from './approval-fixture.js';

export const KEY = {
  up: '\u001b[A',
  down: '\u001b[B',
  enter: '\r',
  escape: '\u001b',
  backspace: '\u007f',
  ctrlC: '\u0003',
} as const;

export type AppHarness = Readonly<{
  client: FakeApproverClient;
  clock: FakeClock;
  frame: () => string;
  press: (...keys: string[]) => Promise<void>;
  /** Writes to stdin without waiting, for measuring. */
  stdin: (data: string) => void;
  waitFor: (predicate: (frame: string) => boolean, what: string) => Promise<string>;
  unmount: () => void;
}>;

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export const renderApproveApp = (): AppHarness => {
  const client = createFakeApproverClient();
  const clock = createFakeClock(T0);
  const app = render(<ApproveApp client={client} clock={clock} />);
  const frame = (): string => app.lastFrame() ?? '';
  const waitFor = async (predicate: (frame: string) => boolean, what: string): Promise<string> => {
    for (let i = 0; i < 500; i++) {
      if (predicate(frame())) return frame();
      await turn();
    }
    throw new Error(`the screen never showed ${what}; last frame:\n${frame()}`);
  };
  // Each key is its own write, and the event loop turns between them, as when a person types.
  const press = async (...keys: string[]): Promise<void> => {
    for (const key of keys) {
      app.stdin.write(key);
      await turn();
      await turn();
    }
  };
  return { client, clock, frame, press, waitFor, stdin: (data) => app.stdin.write(data), unmount: app.unmount };
};
