// Everything that turns argv into a decision, bound once at start: the AWS model, the parser, the policy
// (reloadable as a whole). Pure given its inputs; no I/O per command.
import { analyzeCommand } from '@aws-guard/shared/command/analyze-command';
import type { AwsCommand } from '@aws-guard/shared/command/aws-command';
import { createModelStore } from '@aws-guard/shared/aws-model/model-store';
import { fail, ok, type Result } from '@aws-guard/shared/result';
import type { CommandRun } from '@aws-guard/shared/protocol/messages';
import { loadPolicy } from '../policy/load-policy.js';
import { loadDefaultPolicy } from '../policy/default-policy.js';
import { evaluatePolicy } from '../policy/evaluate-policy.js';
import { selectRoleMapping } from '../policy/select-role-mapping.js';
import type { Policy, RoleMapping } from '../policy/policy.js';
import type { RoleTarget } from '../credentials/credential-source.js';
import { issuerNameOf, type Identity } from '../auth/identity.js';
import type { AnalyzeOutcome } from './run-command.js';
import type { Decision } from './refusal.js';
import { selectMasking } from '../policy/select-masking.js';
import { needsDocumentMasking, planMasking } from '../masking/plan-document-masking.js';

export type CommandJudge = Readonly<{
  analyze: (argv: readonly string[], env: CommandRun['env']) => AnalyzeOutcome;
  decide: (cmd: AwsCommand, identity: Identity) => Decision;
  policyHash: () => string;
  /** Loads the policy again; a bad new policy leaves the old one in force. */
  reload: () => Result<{ hash: string }, string>;
}>;

/** Custom commands that print nothing but a password on stdout: masked whole, whatever its shape. */
const PASSWORD_COMMANDS: ReadonlySet<string> = new Set(['ecr get-login-password', 'ecr-public get-login-password']);

export type JudgeOptions = Readonly<{ policyFile: string | undefined; cliMajor: number; modelDir: string; defaultRegion: string | undefined }>;

const readPolicy = (file: string | undefined) => (file === undefined ? loadDefaultPolicy() : loadPolicy(file));

const roleTarget = (m: RoleMapping): RoleTarget =>
  Object.freeze({ mappingId: m.id, roleArn: m.roleArn, externalId: m.externalId, durationSeconds: m.durationSeconds });

export const createCommandJudge = (opts: JudgeOptions): Result<CommandJudge, string> => {
  const first = readPolicy(opts.policyFile);
  if (!first.ok) return first;
  let policy: Policy = first.value;
  const model = createModelStore(opts.modelDir);
  const cliMajor = opts.cliMajor === 2 ? 2 : 1;
  const context = opts.defaultRegion === undefined ? {} : { defaultRegion: opts.defaultRegion };

  /**
   * Model operations are masked as documents. Custom commands (`ecr get-login-password`, `s3 presign`) print text,
   * masked by the pattern detectors; a policy `reveal: ['@']` shows the agent their whole output (still masked
   * in the record), which is what a CI job that must log in needs.
   */
  const outputMasking = (cmd: AwsCommand, who: Parameters<typeof selectMasking>[2]): Pick<Decision, 'masking' | 'streamReveal' | 'streamPatterns' | 'streamRules' | 'stdoutSecret'> => {
    if (cmd.localOnly) return {};
    const rules = selectMasking(policy, cmd, who, context);
    const op = cmd.custom ? undefined : model.operation(cmd.service, cmd.operation);
    if (op === undefined)
      return {
        ...(rules.revealPaths.includes('@') ? { streamReveal: rules.ruleIds } : {}),
        ...(PASSWORD_COMMANDS.has(`${cmd.service} ${cmd.operation}`) ? { stdoutSecret: true } : {}),
        ...(rules.patterns.length > 0 ? { streamPatterns: rules.patterns, streamRules: rules.ruleIds } : {}),
      };
    return needsDocumentMasking(op, rules) ? { masking: Object.freeze({ plan: planMasking(model, op, rules), ruleIds: rules.ruleIds, paginated: op.paginated }) } : {};
  };

  return ok(
    Object.freeze({
      analyze: (argv: readonly string[], env: CommandRun['env']): AnalyzeOutcome => {
        const result = analyzeCommand(argv, { model, env, cliMajor });
        if (result.ok) return result;
        // The parser reproduces what the real CLI prints for a usage error, header and all.
        const { code, stderr, exitCode } = result.issue;
        return { ok: false, issue: { code, message: stderr, exitCode } };
      },
      decide: (cmd: AwsCommand, identity: Identity): Decision => {
        const who = { agent: identity.agent, human: identity.human, groups: identity.groups, role: identity.role, sessionId: identity.sessionId, issuer: issuerNameOf(identity) };
        const decision = evaluatePolicy(policy, cmd, who, context);
        // Chosen in the same synchronous call as the decision, so both come from the same policy even across a reload.
        const mapping = decision.decision === 'deny' ? undefined : selectRoleMapping(policy, who);
        const masking = decision.decision === 'deny' ? {} : outputMasking(cmd, who);
        return {
          effect: decision.decision,
          rule: decision.rule,
          reasons: decision.reasons,
          policyHash: decision.policyHash,
          ...(decision.approval === undefined ? {} : { approval: decision.approval }),
          ...(decision.timeoutMs === undefined ? {} : { timeoutMs: decision.timeoutMs }),
          ...(mapping === undefined ? {} : { role: roleTarget(mapping) }),
          ...masking,
        };
      },
      policyHash: () => policy.hash,
      reload: () => {
        const next = readPolicy(opts.policyFile);
        if (!next.ok) return fail(next.issue.code, next.issue.details?.join('; ') ?? next.issue.message);
        policy = next.value;
        return ok({ hash: policy.hash });
      },
    }),
  );
};
