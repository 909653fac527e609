// The policy that applies when none is configured: packages/broker/policy/default.yaml, embedded at build time
// (default-policy-text.ts). It goes through the same validation as any operator's file.
import type { Result } from '@aws-guard/shared/result';
import { DEFAULT_POLICY_YAML } from './default-policy-text.js';
import { parsePolicy } from './load-policy.js';
import type { Policy } from './policy.js';

export const DEFAULT_POLICY_SOURCE = 'built-in default policy (packages/broker/policy/default.yaml)';

export const loadDefaultPolicy = (): Result<Policy, 'POLICY_INVALID'> => parsePolicy(DEFAULT_POLICY_YAML, DEFAULT_POLICY_SOURCE);
