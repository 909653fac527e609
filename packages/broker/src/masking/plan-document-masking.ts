// What masking one operation's parsed output takes: the model's sensitive graph, the members the model misses
// (unmarked-secrets.ts), and the policy's mask, pattern and reveal rules, compiled once per command.
import type { ModelStore } from '@aws-guard/shared/aws-model/model-store';
import type { OperationNode } from '@aws-guard/shared/aws-model/model-types';
import type { SensitiveGraph } from '@aws-guard/shared/aws-model/sensitive-paths';
import type { LeafPattern } from './find-leaf-secrets.js';
import { compilePaths, type PathState } from './output-paths.js';
import { unmarkedSecrets } from './unmarked-secrets.js';

/**
 * The policy's masking rules for one command. policy/select-masking.ts `MaskingSelection` has this shape (kept
 * structural here: leaves do not import each other). Paths use the syntax of sensitive-paths.ts.
 */
export type MaskRules = Readonly<{
  /** Output paths masked for everyone, also when the model does not mark them; beats a reveal. */
  maskPaths: readonly string[];
  /** Regular expressions masked inside every string the model does not mask, named by the rule's id. */
  patterns: readonly Readonly<{ ruleId: string; source: string }>[];
  /** Output paths shown to the agent in clear; still masked in the record (recording, audit, logs). */
  revealPaths: readonly string[];
}>;

export const NO_MASK_RULES: MaskRules = Object.freeze({ maskPaths: [], patterns: [], revealPaths: [] });

export type MaskPlan = Readonly<{
  graph: SensitiveGraph;
  /** Root of the sensitive graph: a shape name, `true` (every member of the output), or null. */
  root: string | true | null;
  /** The name a mask of the whole output carries: the API operation (`GetAuthorizationToken`). */
  rootName: string;
  /** Secrets the model does not mark, masked as if it did. */
  unmarked: PathState;
  masks: PathState;
  reveals: PathState;
  patterns: readonly LeafPattern[];
}>;

/**
 * Whether the operation's output must be parsed, masked and rendered again rather than streamed: the model marks
 * a member sensitive, the built-in table names one, or a policy rule masks, matches patterns or reveals.
 */
export const needsDocumentMasking = (op: OperationNode, rules: MaskRules = NO_MASK_RULES): boolean =>
  op.sensitiveOutput !== null ||
  unmarkedSecrets(op.path).length > 0 ||
  rules.maskPaths.length > 0 ||
  rules.patterns.length > 0 ||
  rules.revealPaths.length > 0;

export const planMasking = (model: Pick<ModelStore, 'sensitiveGraph'>, op: OperationNode, rules: MaskRules = NO_MASK_RULES): MaskPlan =>
  Object.freeze({
    graph: op.sensitiveOutput === null ? {} : model.sensitiveGraph(op),
    root: op.sensitiveOutput,
    rootName: op.api,
    unmarked: compilePaths(unmarkedSecrets(op.path)),
    masks: compilePaths(rules.maskPaths),
    reveals: compilePaths(rules.revealPaths),
    // The policy loader compiled every source once already (check-masking-rules.ts), so this cannot throw.
    patterns: Object.freeze(rules.patterns.map((p) => Object.freeze({ name: p.ruleId, regex: new RegExp(p.source, 'g') }))),
  });
