// The `aws` face of aws-guard: argv → broker → the remote CLI's stdout, stderr and exit code, byte for
// byte. The shim never re-formats the CLI's output; its own failures are one `aws-guard:` line.
// It starts on every agent command, so only what the connect needs is loaded before it: the relay (the
// protocol schemas, local files) loads while the broker verifies the token (docs/benchmarks.md, shim start-up).
import { afterThisTurn, connectBroker } from '../client/broker-client.js';
import { readShimConfig } from './shim-config.js';
import { SHIM_EXIT, type ShimIo } from './shim-io.js';

export { processShimIo } from './shim-io.js';

const write = (stream: NodeJS.WritableStream, chunk: string): Promise<void> => new Promise((resolve) => stream.write(chunk, () => resolve()));

export const runShim = async (io: ShimIo): Promise<number> => {
  const config = readShimConfig(io.env);
  if (!config.ok) {
    await write(io.stderr, `aws-guard: ${config.issue.message}\n`);
    return SHIM_EXIT.notConfigured;
  }
  io.timing.mark('config');
  const connecting = connectBroker({ url: config.value.url, token: config.value.token, clientVersion: io.version, mark: io.timing.mark });
  const relay = afterThisTurn()
    .then(() => import('./relay-command.js'))
    .then((module) => {
      io.timing.mark('relay-loaded');
      return module;
    });
  // Awaited only once connected: a failure to load must not surface as an unhandled rejection before that.
  relay.catch(() => undefined);
  const connected = await connecting;
  if (!connected.ok) {
    await write(io.stderr, `aws-guard: ${connected.issue.message}\n`);
    return SHIM_EXIT.gatewayFailure;
  }
  io.timing.mark('hello');
  return (await relay).relayCommand(io, connected.value, config.value);
};
