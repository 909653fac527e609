// A private redis-server on a free loopback port, stopped (or killed) by its PID: without persistence, or with an
// fsynced append-only file in `dir` (what the Redis audit store's durability needs) so a restart keeps the data.
// A missing binary fails the test with the install hint; it is never a skip.
import { connect } from 'node:net';
import { freePort } from './free-port.js';
import { requireBinary, startService } from './service-process.js';

export const REDIS_INSTALL_HINT = 'apt-get install -y redis-server';

export type RedisServer = Readonly<{
  url: string;
  port: number;
  pid: number;
  /** SIGTERM, and wait for the exit. */
  stop: () => Promise<void>;
  /** SIGKILL (a crash: no goodbye to clients), and wait until the process is gone. */
  kill: () => Promise<void>;
}>;

/** One PING over a raw socket: the helper needs no Redis client of its own. */
export const pingRedis = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let reply = '';
    const done = (answer: boolean) => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString();
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'));
    });
  });

const isRunning = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** `port`: restart on the port of a server killed earlier, so that clients reconnect to the same URL; `dir`:
 * persist there (AOF, appendfsync always), and restart with the same `dir` to get the data back. */
export const startRedis = async (options: { port?: number; dir?: string } = {}): Promise<RedisServer> => {
  requireBinary('redis-server', REDIS_INSTALL_HINT);
  const port = options.port ?? (await freePort());
  const persistence = options.dir === undefined ? ['--appendonly', 'no'] : ['--dir', options.dir, '--appendonly', 'yes', '--appendfsync', 'always'];
  const args = ['--save', '', ...persistence, '--port', String(port), '--bind', '127.0.0.1'];
  const service = await startService('redis-server', args, () => pingRedis(port), { name: 'redis-server' });
  let stopped: Promise<void> | null = null;
  const kill = async (): Promise<void> => {
    if (isRunning(service.pid)) process.kill(service.pid, 'SIGKILL');
    // Node reaps its child on SIGCHLD; until then the PID still answers signal 0.
    while (isRunning(service.pid)) await new Promise((r) => setTimeout(r, 20));
  };
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    pid: service.pid,
    stop: () => (stopped ??= service.stop()),
    kill: () => (stopped ??= kill()),
  };
};
