// A fresh directory per request: `work/` is the CLI's cwd, where local files named by plain relative paths
// are staged; `files/` holds the other staged files; `home/` is an empty HOME (so nothing staged can become
// `~/.aws/…`); `etc/` holds the broker-owned config and an empty credentials file. Removed when the command ends.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sandboxConfigText, type SandboxPaths } from './sandbox-env.js';

export type Sandbox = SandboxPaths & Readonly<{ remove: () => Promise<void> }>;

export const createSandbox = async (region: string | undefined, parent: string = tmpdir()): Promise<Sandbox> => {
  // The prefix is how a warm fork under bwrap tells another request's sandbox (python/aws_guard_sandbox.py).
  const root = await mkdtemp(join(parent, 'aws-guard-req-'));
  const paths = {
    root,
    home: join(root, 'home'),
    work: join(root, 'work'),
    files: join(root, 'files'),
    tmp: join(root, 'tmp'),
    configFile: join(root, 'etc', 'config'),
    credentialsFile: join(root, 'etc', 'credentials'),
  };
  await Promise.all([paths.home, paths.work, paths.files, paths.tmp, join(root, 'etc')].map((dir) => mkdir(dir, { mode: 0o700 })));
  await Promise.all([
    writeFile(paths.configFile, sandboxConfigText(region), { mode: 0o600 }),
    writeFile(paths.credentialsFile, '', { mode: 0o600 }),
  ]);
  return Object.freeze({ ...paths, remove: () => rm(root, { recursive: true, force: true }) });
};
