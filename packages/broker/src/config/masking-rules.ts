// The `masking` block's rule across keys that the schema cannot express, and the resolved setting: a key file
// without the hmac style is a problem, not a silent no-op (the operator meant one of the two).
import { resolve } from 'node:path';
import { CONFIG_DEFAULTS, type BrokerConfig, type BrokerConfigInput } from './config-schema.js';

/** Problems as `path: message`; `raw` is the merged input before the schema (it may be any shape). */
export const maskingProblems = (raw: unknown): string[] => {
  if (raw === undefined || raw === null || typeof raw !== 'object' || Array.isArray(raw)) return []; // the schema reports the shape
  const block = raw as Record<string, unknown>;
  if (block['hmacKeyFile'] === undefined || block['style'] === 'hmac') return [];
  return ['masking.hmacKeyFile: is set but masking.style is not hmac: set masking.style to hmac or remove it'];
};

export const resolveMasking = (input: BrokerConfigInput['masking'], cwd: string): BrokerConfig['masking'] =>
  Object.freeze({
    style: input?.style ?? CONFIG_DEFAULTS.masking.style,
    hmacKeyFile: input?.hmacKeyFile === undefined ? undefined : resolve(cwd, input.hmacKeyFile),
  });
