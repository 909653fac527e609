// The policy file's shape, as one zod schema: load-policy validates with it and the JSON Schema for editors
// (docs/policy.schema.json, scripts/generate-policy-schema.mjs) is generated from it. Cross-field rules live in
// check-policy-rules.ts, check-role-mappings.ts and check-masking-rules.ts because zod skips refinements once a
// field is wrong, and we report every problem at once.
import { z } from 'zod';
import { RISKS, type Risk } from '@aws-guard/shared/command/aws-command';
import { EXTERNAL_ID, EXTERNAL_ID_MESSAGE, ROLE_ARN, ROLE_ARN_MESSAGE, STS_MAX_DURATION_SECONDS, STS_MIN_DURATION_SECONDS } from '@aws-guard/shared/iam-role';

export const EFFECTS = ['allow', 'deny', 'approve'] as const;
export type Effect = (typeof EFFECTS)[number];

/** Risk classes a policy can decide; `forbidden` is always denied and cannot be configured. */
export const DECIDABLE_RISKS = RISKS.filter((r): r is Exclude<Risk, 'forbidden'> => r !== 'forbidden');
export type DecidableRisk = Exclude<Risk, 'forbidden'>;

const effectSchema = z.enum(EFFECTS);
/** Bounds are checked in check-policy-rules.ts, beside the other problems, once the text is known to be a duration. */
const duration = (examples: string) => z.string().regex(/^\d+(ms|s|m|h|d)$/, `must be a duration such as ${examples}`);
const ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/;
const ID_MESSAGE = 'must be 1-100 letters, digits, ".", "_", ":" or "-", starting with a letter or digit';
const glob = z.string().min(1).max(256);
const globs = (what: string) => z.array(glob).min(1).describe(`${what} globs (\`*\` any run of characters, \`?\` one character); any may match`);
const actionGlob = z
  .string()
  .regex(/^(\*|[A-Za-z0-9*?-]+:[A-Za-z0-9*?]+)$/, "must be an IAM action glob such as 's3:Delete*', 'iam:*' or '*'");

export const approvalSchema = z
  .strictObject({
    approvers: z.number().int().min(1).max(10).optional().describe('distinct approvers needed (default 1)'),
    group: z.string().min(1).max(128).optional().describe('only members of this group may approve'),
    expires: duration("'15m', '2h' or '1d'")
      .optional()
      .describe('how long a granted approval stays usable'),
  })
  .describe('who must approve, for effect approve');

/** What a rule or a masking entry selects: every selector given must match (match-policy-rule.ts). */
const ruleSelectors = {
  actions: z.array(actionGlob).min(1).optional().describe("IAM action globs ('iam:Detach*', 's3:*', '*'), case-insensitive"),
  commands: globs('CLI command').optional().describe("CLI command globs as '<service> <operation>' ('s3 rb', 'eks get-token')"),
  risks: z.array(z.enum(DECIDABLE_RISKS)).min(1).optional().describe('risk classes the rule applies to'),
  agents: globs('agent name').optional(),
  humans: globs('human').optional(),
  groups: globs('group').optional().describe("group globs; any of the caller's groups may match"),
  roles: globs('token role').optional(),
  issuers: globs('token issuer name').optional().describe("who vouched for the caller: 'aws-guard' (the broker's own tokens) or a name from the broker config's issuers"),
  regions: globs('region').optional(),
  accounts: globs('account id').optional(),
  params: z
    .record(z.string().regex(/^[A-Za-z][A-Za-z0-9-]*$/, 'must be a parameter name such as Bucket or db-instance-identifier'), z.union([glob, z.array(glob).min(1)]))
    .optional()
    .describe('parameter value globs by CLI option name (bucket) or API member name (Bucket); every key must match'),
};

export const policyRuleSchema = z
  .strictObject({
    id: z.string().regex(ID, ID_MESSAGE).describe('stable id, recorded with every decision this rule makes'),
    effect: effectSchema.describe('deny beats approve beats allow'),
    message: z.string().min(1).max(500).optional().describe('shown to the agent and the approver'),
    ...ruleSelectors,
    approval: approvalSchema.optional(),
    timeout: duration("'30m' or '2h'")
      .optional()
      .describe("wall-time limit (at most 11h) for the commands this rule allows or sends to approval; the smallest of the deciding rules' limits applies, else the broker's exec.timeout"),
  })
  .describe('one rule: every selector given must match');

export const roleMappingSchema = z
  .strictObject({
    id: z.string().regex(ID, ID_MESSAGE).describe('stable id, recorded with every command that runs as this role'),
    agents: globs('agent name').optional(),
    humans: globs('human').optional(),
    groups: globs('group').optional().describe("group globs; any of the caller's groups may match"),
    issuers: globs('token issuer name').optional().describe("'aws-guard' or a name from the broker config's issuers"),
    roleArn: z.string().regex(ROLE_ARN, ROLE_ARN_MESSAGE).describe("the role assumed (STS AssumeRole) with the broker's own credentials"),
    externalId: z.string().regex(EXTERNAL_ID, EXTERNAL_ID_MESSAGE).optional().describe('sent as ExternalId'),
    durationSeconds: z
      .number()
      .int()
      .min(STS_MIN_DURATION_SECONDS, `must be at least ${STS_MIN_DURATION_SECONDS} (STS minimum)`)
      .max(STS_MAX_DURATION_SECONDS, `must be at most ${STS_MAX_DURATION_SECONDS} (STS maximum)`)
      .optional()
      .describe("session length the operator accepts; sessions always last at least the command's time limit + 60 s"),
  })
  .describe('callers this role is for: every selector given must match');

/**
 * An output path in the syntax of shared/aws-model/sensitive-paths.ts: member names joined by `.`, `[]` for every
 * item of a list, `*` for every member or map value, `@` for the whole output. Must accept exactly what
 * masking/output-paths.ts compiles.
 */
export const OUTPUT_PATH = /^(?:@|\*|[A-Za-z0-9_-]+)(?:\[\])*(?:\.(?:\*|[A-Za-z0-9_-]+)(?:\[\])*)*$/;
const outputPaths = (what: string) =>
  z
    .array(z.string().regex(OUTPUT_PATH, "must be an output path such as 'SecretString', 'Parameters[].Value', 'Tags.*' or '@'"))
    .min(1)
    .describe(what);

export const maskingRuleSchema = z
  .strictObject({
    id: z.string().regex(ID, ID_MESSAGE).describe('stable id, recorded with every command it masks or reveals for'),
    ...ruleSelectors,
    mask: outputPaths('output paths masked in what the agent, the recording, the audit and the logs get; beats reveal').optional(),
    patterns: z
      .array(z.string().min(1).max(1000))
      .min(1)
      .optional()
      .describe('regular expressions (JavaScript syntax) masked inside every string of the output, named by this id'),
    reveal: outputPaths('output paths of sensitive members shown to the agent in clear; still masked in the recording, the audit and the logs, and audited').optional(),
  })
  .describe('masks (mask, patterns) or reveals (reveal) output values for the commands and callers it selects');

export const policySchema = z
  .strictObject({
    version: z.literal(1).describe('policy format version'),
    defaults: z
      .strictObject({
        read: effectSchema.optional(),
        write: effectSchema.optional(),
        destructive: effectSchema.optional(),
        privilege: effectSchema.optional(),
        secret_read: effectSchema.optional(),
      } satisfies Record<DecidableRisk, unknown>)
      .optional()
      .describe('the effect when no rule matches, by risk class (forbidden is always deny)'),
    rules: z.array(policyRuleSchema).describe('evaluated together: deny > approve > allow'),
    credentials: z
      .array(roleMappingSchema)
      .optional()
      .describe("which role a caller's commands run as, first match wins; no match = the broker's configured credentials mode"),
    masking: z
      .array(maskingRuleSchema)
      .optional()
      .describe('output masking beyond the AWS model: more paths or patterns to mask, sensitive values to reveal to some callers'),
  })
  .meta({ title: 'aws-guard policy', description: 'Which aws commands agents may run, need approval for, or may not run, as which role, and what of their output is masked. See docs/policy.md.' });

export type PolicyInput = z.infer<typeof policySchema>;
export type PolicyRuleInput = z.infer<typeof policyRuleSchema>;
export type MaskingRuleInput = z.infer<typeof maskingRuleSchema>;

/** The JSON Schema for editors, from the same source as validation. */
export const policyJsonSchema = (): Record<string, unknown> => z.toJSONSchema(policySchema, { target: 'draft-2020-12' });

/** docs/policy.schema.json exactly as scripts/generate-policy-schema.mjs writes it. */
export const renderPolicyJsonSchema = (): string => `${JSON.stringify(policyJsonSchema(), null, 2)}\n`;
