// One `aws-guard explain` result: argv → analysis → policy decision, in the stable JSON shape of DESIGN §9.
// Pure given its dependencies: nothing runs, nothing is sent anywhere.
import type { AwsCommand, FileDirection, Risk } from '@aws-guard/shared/command/aws-command';
import type { Result } from '@aws-guard/shared/result';
import { evaluatePolicy, type PolicyContext, type PolicyDecision, type PolicyIdentity } from '@aws-guard/broker/policy/evaluate-policy';
import type { Policy } from '@aws-guard/broker/policy/policy';

/** DESIGN §9: field names and order are a contract that other tools read. */
export type Explanation = Readonly<{
  service: string;
  operation: string;
  apiOperation: string | null;
  custom: boolean;
  iamActions: readonly string[];
  region: string | null;
  risk: Risk;
  decision: PolicyDecision['decision'];
  rule: string;
  reasons: readonly string[];
  localFiles: readonly Readonly<{ arg: string; path: string; direction: FileDirection }>[];
  errors: readonly Readonly<{ code: string; message: string }>[];
}>;

export type ExplainDeps = Readonly<{
  analyze: (argv: readonly string[]) => Result<AwsCommand>;
  policy: Policy;
  identity: PolicyIdentity;
  context: PolicyContext;
}>;

/** The analysis and the decision behind an Explanation, for the human-readable form. */
export type ExplainDetail = Readonly<{ command?: AwsCommand; decision?: PolicyDecision; explanation: Explanation }>;

/**
 * A command that cannot be understood is refused by the broker whatever the policy says, so it is reported as
 * risk `forbidden`, decision `deny`, rule `invalid:<code>`, with `errors` saying why.
 */
export const refusedExplanation = (code: string, message: string): Explanation => ({
  service: '',
  operation: '',
  apiOperation: null,
  custom: false,
  iamActions: [],
  region: null,
  risk: 'forbidden',
  decision: 'deny',
  rule: `invalid:${code}`,
  // The CLI's usage text can list every valid choice; the reason keeps its first line, errors keep it all.
  reasons: [`the command is not understood well enough to run: ${message.split('\n')[0] ?? ''}`],
  localFiles: [],
  errors: [{ code, message }],
});

export const explainArgv = (argv: readonly string[], deps: ExplainDeps): ExplainDetail => {
  const analysed = deps.analyze(argv);
  if (!analysed.ok) return { explanation: refusedExplanation(analysed.issue.code, analysed.issue.message) };
  const command = analysed.value;
  const decision = evaluatePolicy(deps.policy, command, deps.identity, deps.context);
  return {
    command,
    decision,
    explanation: {
      service: command.service,
      operation: command.operation,
      apiOperation: command.apiOperation,
      custom: command.custom,
      iamActions: command.iamActions,
      region: command.region,
      risk: command.risk,
      decision: decision.decision,
      rule: decision.rule,
      reasons: decision.reasons,
      localFiles: command.localFiles.map((f) => ({ arg: f.arg, path: f.path, direction: f.direction })),
      errors: [],
    },
  };
};
