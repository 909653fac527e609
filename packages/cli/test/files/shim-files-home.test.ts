// Which file the shim describes for `~` and `~<own user>` when HOME is not the account's home: the one the
// CLI's Python would open (expanduser: HOME for `~`, the password database for `~user`), asked of Python itself.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { ClientMessage, ServerMessage } from '@aws-guard/shared/protocol/messages';
import { createShimFiles } from '../../src/files/shim-files.js';

const me = userInfo();
const home = await mkdtemp(join(tmpdir(), 'shim-home-'));
const marker = `marker-${randomBytes(6).toString('hex')}.json`;
await writeFile(join(home, marker), '{}');

/** Asks a fresh shim (created while the process HOME is `home`, as the shim's own process would have it). */
const describe = async (path: string): Promise<ClientMessage[]> => {
  const sent: ClientMessage[] = [];
  const saved = process.env['HOME'];
  process.env['HOME'] = home;
  let listed!: () => void;
  const done = new Promise<void>((resolve) => (listed = resolve));
  try {
    const files = createShimFiles({
      send: (m) => {
        sent.push(m);
        if (m.type === 'files.listed') listed();
      },
      sendBinary: () => undefined,
      env: { HOME: home },
      cwd: home,
      stderr: process.stderr,
      stderrIsTTY: false,
      inOrder: (step) => void step(),
      fail: (message) => {
        throw new Error(message);
      },
      stopped: () => false,
    });
    const request: ServerMessage = { type: 'files.request', requestId: 'r', roots: [{ id: 0, path, expand: true, tree: false, followSymlinks: true, writes: false }] };
    files.onMessage(request as Extract<ServerMessage, { type: 'files.request' }>);
  } finally {
    if (saved === undefined) delete process.env['HOME'];
    else process.env['HOME'] = saved;
  }
  await done;
  return sent;
};

/** Whether the CLI's Python, run with HOME=home, finds a file at this path. */
const pythonFinds = (path: string): boolean => {
  const run = spawnSync(process.env['AWS_GUARD_PYTHON'] ?? 'python3', ['-c', 'import os,sys; print(os.path.isfile(os.path.expandvars(os.path.expanduser(sys.argv[1]))))', path], {
    encoding: 'utf8',
    env: { ...process.env, HOME: home },
    cwd: home,
  });
  if (run.status !== 0) throw new Error(run.stderr);
  return run.stdout.trim() === 'True';
};

t.test('~ and ~<me> name the files Python would open', async (t) => {
  t.not(me.homedir, home, 'the account home differs from HOME here');
  for (const path of [`~/${marker}`, `~${me.username}/${marker}`, `$HOME/${marker}`]) {
    const sent = await describe(path);
    const root = sent.find((m) => m.type === 'files.root');
    t.equal(root?.type === 'files.root' && root.kind, pythonFinds(path) ? 'file' : 'missing', `${path}: as Python finds it`);
  }
});
