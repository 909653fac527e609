// Starts a real service binary on loopback for a test, waits until it answers, and stops it by PID.
// A missing binary is a failure with an install hint, never a skip.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';

export type ServiceProcess = Readonly<{ pid: number; stop: () => Promise<void> }>;

export const requireBinary = (name: string, installHint: string): void => {
  const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  if (found.status !== 0) throw new Error(`${name} is not installed: ${installHint}`);
};

const stopChild = (child: ChildProcess) => (): Promise<void> =>
  new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 3000).unref();
  });

export const startService = async (
  command: string,
  args: readonly string[],
  ready: () => Promise<boolean>,
  opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number; name: string },
): Promise<ServiceProcess> => {
  const child = spawn(command, [...args], { env: opts.env ?? process.env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-4000)));
  const deadline = Date.now() + (opts.timeoutMs ?? 20_000);
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${opts.name} exited with ${child.exitCode}: ${stderr}`);
    if (await ready().catch(() => false)) return { pid: child.pid!, stop: stopChild(child) };
    await new Promise((r) => setTimeout(r, 100));
  }
  await stopChild(child)();
  throw new Error(`${opts.name} did not become ready: ${stderr}`);
};
