// Python jmespath's TreeInterpreter: evaluates a parsed expression over CLI values with Python's semantics
// (None for a field of a non-object, Python slicing, dict order), so a --query gives what the CLI's would.
import { getOwn, isCliObject, keysOf, makeObject, type CliValue } from '../cli-value.js';
import type { Comparator, Node } from './ast.js';
import { callFunction } from './functions.js';
import { runtimeError } from './jmespath-error.js';
import { isActualNumber, isFalse, jmesEquals, makeExpRef, pyCompare, type JmesValue, type Order } from './py-semantics.js';

const ORDER: Readonly<Record<Exclude<Comparator, 'eq' | 'ne'>, Order>> = { lt: '<', gt: '>', lte: '<=', gte: '>=' };

/** Only a number or a string can be ordered; anything else makes the comparison None. */
const isComparable = (v: JmesValue): boolean => typeof v === 'string' || isActualNumber(v);

export const evaluate = (node: Node, value: JmesValue): JmesValue => {
  switch (node.type) {
    case 'subexpression':
    case 'index_expression':
      return node.children.reduce<JmesValue>((result, child) => evaluate(child, result), value);
    case 'field':
      return isCliObject(value as CliValue) ? (getOwn(value as Record<string, CliValue>, node.name) ?? null) : null;
    case 'comparator': {
      const left = evaluate(node.left, value);
      const right = evaluate(node.right, value);
      if (node.op === 'eq') return jmesEquals(left, right);
      if (node.op === 'ne') return !jmesEquals(left, right);
      if (!isComparable(left) || !isComparable(right)) return null;
      return pyCompare(ORDER[node.op], left, right);
    }
    case 'current':
    case 'identity':
      return value;
    case 'expref':
      return makeExpRef(node.child);
    case 'function_expression':
      return callFunction(
        node.name,
        node.args.map((arg) => evaluate(arg, value)),
        evaluate,
      );
    case 'filter_projection': {
      const base = evaluate(node.left, value);
      if (!Array.isArray(base)) return null;
      const collected: CliValue[] = [];
      for (const element of base) {
        if (isFalse(evaluate(node.condition, element))) continue;
        const current = evaluate(node.right, element);
        if (current !== null) collected.push(current as CliValue);
      }
      return collected;
    }
    case 'flatten': {
      const base = evaluate(node.child, value);
      if (!Array.isArray(base)) return null;
      return base.flatMap((element) => (Array.isArray(element) ? element : [element]));
    }
    case 'index':
      return Array.isArray(value) ? indexOf(value, node.index) : null;
    case 'slice':
      if (!Array.isArray(value)) return null;
      return slice(value, node.start, node.stop, node.step);
    case 'literal':
      return node.value;
    case 'multi_select_dict':
      if (value === null) return null;
      return makeObject(node.pairs.map((pair) => [pair.key, evaluate(pair.node, value) as CliValue] as const));
    case 'multi_select_list':
      if (value === null) return null;
      return node.children.map((child) => evaluate(child, value) as CliValue);
    case 'or_expression': {
      const matched = evaluate(node.left, value);
      return isFalse(matched) ? evaluate(node.right, value) : matched;
    }
    case 'and_expression': {
      const matched = evaluate(node.left, value);
      return isFalse(matched) ? matched : evaluate(node.right, value);
    }
    case 'not_expression':
      // `!0` is false: jmespath does not count 0 as false, unlike Python's `not`.
      return isFalse(evaluate(node.child, value));
    case 'pipe':
      return evaluate(node.right, evaluate(node.left, value));
    case 'projection':
    case 'value_projection': {
      const base = evaluate(node.left, value);
      let elements: readonly CliValue[];
      if (node.type === 'projection') {
        if (!Array.isArray(base)) return null;
        elements = base;
      } else {
        if (!isCliObject(base as CliValue)) return null;
        const obj = base as Record<string, CliValue>;
        elements = keysOf(obj).map((k) => obj[k]!);
      }
      const collected: CliValue[] = [];
      for (const element of elements) {
        const current = evaluate(node.right, element);
        if (current !== null) collected.push(current as CliValue);
      }
      return collected;
    }
  }
};

const indexOf = (list: readonly CliValue[], index: number): CliValue => {
  const at = index < 0 ? list.length + index : index;
  return at >= 0 && at < list.length ? list[at]! : null;
};

/** Python's `list[start:stop:step]`, bounds clamped as slice.indices() does. */
const slice = (list: readonly CliValue[], start: number | null, stop: number | null, step: number | null): CliValue[] => {
  const by = step ?? 1;
  if (by === 0) throw runtimeError('slice step cannot be zero');
  const n = list.length;
  const clamp = (v: number | null, fallback: number): number => {
    if (v === null) return fallback;
    if (v < 0) return Math.max(v + n, by < 0 ? -1 : 0);
    return Math.min(v, by < 0 ? n - 1 : n);
  };
  const from = clamp(start, by < 0 ? n - 1 : 0);
  const to = clamp(stop, by < 0 ? -1 : n);
  const out: CliValue[] = [];
  if (by > 0) for (let i = from; i < to; i += by) out.push(list[i]!);
  else for (let i = from; i > to; i += by) out.push(list[i]!);
  return out;
};
