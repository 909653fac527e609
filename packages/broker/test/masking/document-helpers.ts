// Helpers for the document-masking tests: the real generated model, an operation by its CLI names, and one call
// that plans and masks a parsed output the way the broker will.
import { createModelStore, sourceModelDir } from '@aws-guard/shared/aws-model/model-store';
import type { OperationNode } from '@aws-guard/shared/aws-model/model-types';
import type { SensitiveGraph } from '@aws-guard/shared/aws-model/sensitive-paths';
import { maskDocument, type MaskedDocument } from '@aws-guard/broker/masking/mask-document';
import { LENGTH_STYLE, type MaskStyle } from '@aws-guard/broker/masking/mask-style';
import { NO_MASK_RULES, planMasking, type MaskRules } from '@aws-guard/broker/masking/plan-document-masking';

export const model = createModelStore(sourceModelDir());

export const operation = (service: string, name: string): OperationNode => {
  const op = model.operation(service, name);
  if (op === undefined) throw new Error(`no operation ${service} ${name} in the model`);
  return op;
};

export type MaskOptions = Readonly<{ rules?: Partial<MaskRules>; style?: MaskStyle }>;

export const maskOutput = (service: string, name: string, value: unknown, options: MaskOptions = {}): MaskedDocument => {
  const rules = { ...NO_MASK_RULES, ...options.rules };
  return maskDocument(value, planMasking(model, operation(service, name), rules), options.style ?? LENGTH_STYLE);
};

/** An operation of a made-up model: `graph` rooted at `root`, for the walk's corner cases. */
export const fakeOperation = (root: string | true | null, path: readonly string[] = ['fake', 'get-thing']): OperationNode =>
  Object.freeze({ kind: 'operation', path, api: 'GetThing', http: null, args: [], paginated: false, waiter: null, impl: null, sensitiveOutput: root });

export const maskWithGraph = (graph: SensitiveGraph, root: string | true | null, value: unknown, options: MaskOptions = {}): MaskedDocument =>
  maskDocument(value, planMasking({ sensitiveGraph: () => graph }, fakeOperation(root), { ...NO_MASK_RULES, ...options.rules }), options.style ?? LENGTH_STYLE);

/** Every mask in a rendered value: [whole mask, name, detail]. */
export const masksIn = (value: unknown): [string, string, string][] =>
  [...JSON.stringify(value).matchAll(/\*\*\*\*\(masked: ([^,]+), ([^)]+)\)/g)].map((m) => [m[0], m[1]!, m[2]!]);

/** `****(masked: NAME, N chars)` */
export const lengthMask = (name: string, chars: number): string => `****(masked: ${name}, ${chars} chars)`;
