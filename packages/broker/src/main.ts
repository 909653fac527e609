// The broker process: load config → build the app → listen → stop cleanly on SIGINT/SIGTERM.
// Every start-up problem is reported together and the broker does not start (fail closed).
import { isUserFacingError } from '@aws-guard/shared/errors';
import { loadBrokerConfig } from './config/load-config.js';
import { createApp } from './app.js';

export type RunBrokerOptions = Readonly<{
  flags: Readonly<Record<string, string | undefined>>;
  configFile: string | undefined;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  stderr: NodeJS.WritableStream;
  version: string;
  /** Resolves when the broker should stop; default: SIGINT or SIGTERM. */
  stopSignal?: Promise<string>;
}>;

/** Exit code for configuration errors (sysexits EX_CONFIG). */
export const EXIT_CONFIG = 78;

/** Why the agent listener failed, as what the operator should change (the metrics listener's errors name it). */
const LISTEN_ADVICE: Readonly<Record<string, string>> = {
  EADDRINUSE: 'the address is already in use (another broker?): stop it, or choose another --listen',
  EACCES: 'not allowed to listen there (ports below 1024 need privileges): choose another --listen',
  EADDRNOTAVAIL: 'the host is not an address of this machine: check --listen',
  ENOTFOUND: 'the host name does not resolve: check --listen',
};

const listenAdvice = (e: unknown): string => {
  const { code, message } = e as NodeJS.ErrnoException;
  const advice = code === undefined ? undefined : LISTEN_ADVICE[code];
  return advice ?? message;
};

const waitForSignal = (): Promise<string> =>
  new Promise((resolve) => {
    const stop = (signal: string) => resolve(signal);
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });

export const runBroker = async (opts: RunBrokerOptions): Promise<number> => {
  const config = loadBrokerConfig({ flags: opts.flags, env: opts.env, configFile: opts.configFile, cwd: opts.cwd });
  if (!config.ok) {
    opts.stderr.write(`aws-guard: ${config.issue.message}\n`);
    return EXIT_CONFIG;
  }
  const app = await createApp(config.value, { env: opts.env, stderr: opts.stderr, version: opts.version });
  if (!app.ok) {
    opts.stderr.write(`aws-guard: the broker cannot start:\n  ${(app.issue.details ?? [app.issue.message]).join('\n  ')}\n`);
    return EXIT_CONFIG;
  }
  try {
    await app.value.start();
  } catch (e) {
    await app.value.stop('start-failed');
    if (isUserFacingError(e)) throw e;
    opts.stderr.write(`aws-guard: the broker cannot listen on ${config.value.host}:${config.value.port}: ${listenAdvice(e)}\n`);
    return 1;
  }
  const onHup = () => void app.value.reloadPolicy();
  process.on('SIGHUP', onHup);
  const signal = await (opts.stopSignal ?? waitForSignal());
  process.off('SIGHUP', onHup);
  await app.value.stop(signal);
  return 0;
};
