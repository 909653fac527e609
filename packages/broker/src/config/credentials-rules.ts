// Rules across the `credentials` keys that the schema cannot express, and the resolved setting. A role
// given without `assume-role` is a problem, not a guess: the operator must say which mode runs.
import type { BrokerConfig, BrokerConfigInput } from './config-schema.js';

const ASSUME_ROLE_ONLY = ['roleArn', 'externalId', 'durationSeconds'] as const;

/** Problems as `path: message`; `raw` is the merged input before the schema (it may be any shape). */
export const credentialsProblems = (raw: unknown): string[] => {
  if (raw === undefined || raw === null || typeof raw !== 'object' || Array.isArray(raw)) return []; // the schema reports the shape
  const block = raw as Record<string, unknown>;
  const mode = block['mode'] ?? 'passthrough';
  if (mode === 'assume-role' && block['roleArn'] === undefined)
    return ['credentials.roleArn: required when credentials.mode is assume-role (flag --role-arn, env AWS_GUARD_ROLE_ARN)'];
  if (mode !== 'passthrough') return [];
  return ASSUME_ROLE_ONLY.filter((key) => block[key] !== undefined).map(
    (key) => `credentials.${key}: is set but credentials.mode is passthrough: set credentials.mode to assume-role (flag --credentials-mode, env AWS_GUARD_CREDENTIALS_MODE) or remove it`,
  );
};

export const resolveCredentials = (input: BrokerConfigInput['credentials']): BrokerConfig['credentials'] => {
  if (input?.mode !== 'assume-role') return Object.freeze({ mode: 'passthrough' as const });
  // credentialsProblems reports this before anything is resolved; never fall back to the broker's own keys.
  if (input.roleArn === undefined) throw new Error('credentials.mode is assume-role without a roleArn');
  return Object.freeze({ mode: 'assume-role' as const, roleArn: input.roleArn, externalId: input.externalId, durationSeconds: input.durationSeconds });
};
