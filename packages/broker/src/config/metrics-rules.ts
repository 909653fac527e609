// The `metrics` block's rules across keys, and the resolved setting: a listener for metrics that are disabled, or
// one on the broker's own fixed address, is a problem, not something to guess about.
import { CONFIG_DEFAULTS, type BrokerConfig, type BrokerConfigInput } from './config-schema.js';

/** HOST:PORT as the schema accepts it (a bracketed IPv6 host loses its brackets). */
const splitListen = (value: string): Readonly<{ host: string; port: number }> => {
  const at = value.lastIndexOf(':');
  return { host: value.slice(0, at).replace(/^\[|\]$/g, ''), port: Number(value.slice(at + 1)) };
};

/** Problems as `path: message`; `raw` is the merged input before the schema (it may be any shape). */
export const metricsProblems = (raw: unknown, brokerListen: unknown): string[] => {
  if (raw === undefined || raw === null || typeof raw !== 'object' || Array.isArray(raw)) return []; // the schema reports the shape
  const block = raw as Record<string, unknown>;
  const listen = block['listen'];
  if (typeof listen !== 'string') return [];
  if (block['enabled'] === false || block['enabled'] === 'false') return ['metrics.listen: is set but metrics.enabled is false: remove one of them'];
  // Port 0 picks a free port for each, so the same text is two listeners then.
  if (listen === brokerListen && !listen.endsWith(':0')) return [`metrics.listen: is the broker's own listen address (${listen}): leave it unset to serve /metrics there, or pick another port`];
  return [];
};

export const resolveMetrics = (input: BrokerConfigInput['metrics']): BrokerConfig['metrics'] =>
  Object.freeze({
    enabled: input?.enabled ?? CONFIG_DEFAULTS.metrics.enabled,
    listen: input?.listen === undefined ? undefined : Object.freeze(splitListen(input.listen)),
  });
