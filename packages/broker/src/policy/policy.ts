// The validated, normalised, frozen policy that evaluatePolicy receives, and the built-in defaults of DESIGN §5.
import type { DecidableRisk, Effect } from './policy-schema.js';

export type Approval = Readonly<{
  /** Distinct approvers needed; never the requesting agent nor the human it acts for. */
  approvers: number;
  /** Only members of this group may approve. */
  group?: string;
  /** How long a granted approval stays usable (`15m`); unset = the approval store's own limit. */
  expires?: string;
}>;

/** What a rule and a masking entry select on: every selector given must match (match-policy-rule.ts). */
export type Selectors = Readonly<{
  actions?: readonly string[];
  commands?: readonly string[];
  risks?: readonly DecidableRisk[];
  agents?: readonly string[];
  humans?: readonly string[];
  groups?: readonly string[];
  roles?: readonly string[];
  /** Issuer names (`aws-guard` or a config `issuers` name). */
  issuers?: readonly string[];
  regions?: readonly string[];
  accounts?: readonly string[];
  /** Value globs by parameter name as written in the file; a single glob is normalised to a list. */
  params?: Readonly<Record<string, readonly string[]>>;
}>;

export type PolicyRule = Selectors &
  Readonly<{
    id: string;
    effect: Effect;
    message?: string;
    /** Present exactly when effect is approve (filled with defaults where the file gives none). */
    approval?: Approval;
    /** The rule's `timeout` in ms (at most MAX_RULE_TIMEOUT_MS): a wall-time limit for the commands it decides. */
    timeoutMs?: number;
  }>;

/** One entry of the policy's `credentials` list: the role a matching caller's commands run as. */
export type RoleMapping = Readonly<{
  id: string;
  agents?: readonly string[];
  humans?: readonly string[];
  groups?: readonly string[];
  issuers?: readonly string[];
  roleArn: string;
  externalId?: string;
  durationSeconds?: number;
}>;

/**
 * One entry of the policy's `masking` list (select-masking.ts). Selectors as in rules; either `mask`/`patterns`
 * (masked for everyone, beats a reveal) or `reveal` (shown to the agent, still masked in the record).
 */
export type MaskingRule = Selectors &
  Readonly<{
    id: string;
    /** Output paths (sensitive-paths.ts syntax). */
    mask?: readonly string[];
    /** Regular expression sources, compiled by the masker (a frozen RegExp could not keep its lastIndex). */
    patterns?: readonly string[];
    reveal?: readonly string[];
  }>;

export type Policy = Readonly<{
  version: 1;
  rules: readonly PolicyRule[];
  /** Role mappings in file order, first match wins (select-role-mapping.ts); empty = the broker's own mode for all. */
  credentials: readonly RoleMapping[];
  /** Masking entries in file order; empty = the model, the built-in table and the detectors only. */
  masking: readonly MaskingRule[];
  /** The effect when no rule matches, for every decidable risk class (file values over BUILTIN_DEFAULTS). */
  defaults: Readonly<Record<DecidableRisk, Effect>>;
  /** sha256 (hex) of the policy file's bytes: recorded with every decision. */
  hash: string;
  /** Where the policy came from (a path, or `built-in default`), for messages. */
  source: string;
}>;

/** DESIGN §5: read and write allow; destructive, privilege and secret_read approve; forbidden is always deny. */
export const BUILTIN_DEFAULTS: Readonly<Record<DecidableRisk, Effect>> = Object.freeze({
  read: 'allow',
  write: 'allow',
  destructive: 'approve',
  privilege: 'approve',
  secret_read: 'approve',
});

/**
 * The longest `timeout` a rule may set: a command's credentials must outlive it by the refresh margin, and STS
 * sessions last at most 12 h (docs/credentials.md, "Session length and the cache"). A round hour below that.
 */
export const MAX_RULE_TIMEOUT_MS = 11 * 3_600_000;

/** What an approve decision asks for when its rule (or a default) says nothing more. */
export const DEFAULT_APPROVAL: Approval = Object.freeze({ approvers: 1 });
