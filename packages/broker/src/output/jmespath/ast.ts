// The syntax tree Python jmespath's parser builds, one node type per visit_* method of its interpreter.
import type { CliValue } from '../cli-value.js';

export type Comparator = 'eq' | 'ne' | 'lt' | 'gt' | 'lte' | 'gte';

export type Node =
  | Readonly<{ type: 'field'; name: string }>
  | Readonly<{ type: 'subexpression'; children: Node[] }>
  | Readonly<{ type: 'index_expression'; children: Node[] }>
  | Readonly<{ type: 'index'; index: number }>
  | Readonly<{ type: 'slice'; start: number | null; stop: number | null; step: number | null }>
  | Readonly<{ type: 'projection' | 'value_projection'; left: Node; right: Node }>
  | Readonly<{ type: 'filter_projection'; left: Node; right: Node; condition: Node }>
  | Readonly<{ type: 'flatten' | 'not_expression' | 'expref'; child: Node }>
  | Readonly<{ type: 'identity' | 'current' }>
  | Readonly<{ type: 'literal'; value: CliValue }>
  | Readonly<{ type: 'comparator'; op: Comparator; left: Node; right: Node }>
  | Readonly<{ type: 'or_expression' | 'and_expression' | 'pipe'; left: Node; right: Node }>
  | Readonly<{ type: 'multi_select_list'; children: Node[] }>
  | Readonly<{ type: 'multi_select_dict'; pairs: readonly KeyValue[] }>
  | Readonly<{ type: 'function_expression'; name: string; args: Node[] }>;

export type KeyValue = Readonly<{ key: string; node: Node }>;

export const IDENTITY: Node = Object.freeze({ type: 'identity' });
