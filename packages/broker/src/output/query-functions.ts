// The JMESPath functions the library gets wrong against the CLI's Python jmespath 1.1, replaced on one
// interpreter's runtime: sort() of numbers, max_by()/min_by() with string keys, sort_by()'s stability, max()/min() of strings.
import { TYPE_ARRAY, TYPE_ARRAY_NUMBER, TYPE_ARRAY_STRING, TYPE_EXPREF, type JSONValue, type TreeInterpreter } from '@jmespath-community/jmespath';
import { compareSame, isOrderable, jmespathType, pyOrder, type Ordering } from './py-order.js';

type Interpreter = typeof TreeInterpreter;
type Node = Parameters<Interpreter['visit']>[0];

/** A stable sort, as Python's sorted() is (the library's string comparer never answers "equal"). */
const sortedBy = <T>(items: readonly T[], keys: readonly JSONValue[]): T[] =>
  items
    .map((_, i) => i)
    .sort((i, j) => compareSame(keys[i]!, keys[j]!) || i - j)
    .map((i) => items[i]!);

/**
 * Python's max()/min(): the first item kept unless a later one is strictly greater (less), its key compared with
 * `>` (`<`), so that a number key against a string key raises Python's TypeError as the CLI does.
 */
const extreme = <T>(items: readonly T[], keyOf: (item: T) => number | string, op: Ordering): T | null => {
  if (items.length === 0) return null;
  let best = items[0]!;
  let bestKey = keyOf(best);
  for (let i = 1; i < items.length; i++) {
    const key = keyOf(items[i]!);
    if (pyOrder(op, key, bestKey)) [best, bestKey] = [items[i]!, key];
  }
  return best;
};

/** Replaces the functions on `interpreter`'s own runtime (not the library's shared one, which others may use). */
export const usePythonFunctions = (interpreter: Interpreter): void => {
  const { runtime } = interpreter;
  const keyFunction = (name: string, expref: Node, allowed: readonly string[]) => (item: JSONValue) => {
    const key = interpreter.visit(expref, item) as JSONValue;
    if (!allowed.includes(jmespathType(key))) throw new Error(`Invalid type: ${name}() expected the expression to give (${allowed.join(' | ')}) but it gave type ${jmespathType(key)} instead.`);
    return key as number | string;
  };
  const override = { override: true };

  // The signature (an array of numbers or one of strings) is checked by the library before these are called.
  const values = [{ types: [TYPE_ARRAY_NUMBER, TYPE_ARRAY_STRING] }];
  runtime.registerFunction('sort', ([list]) => sortedBy(list as JSONValue[], list as JSONValue[]), values, override);
  runtime.registerFunction('max', ([list]) => extreme(list as (number | string)[], (v) => v, '>'), values, override);
  runtime.registerFunction('min', ([list]) => extreme(list as (number | string)[], (v) => v, '<'), values, override);

  const byExpression = [{ types: [TYPE_ARRAY] }, { types: [TYPE_EXPREF] }];
  for (const [name, op] of [['max_by', '>'], ['min_by', '<']] as const) {
    runtime.registerFunction(name, ([list, expref]) => extreme(list as JSONValue[], keyFunction(name, expref as Node, ['number', 'string']), op), byExpression, override);
  }
  runtime.registerFunction(
    'sort_by',
    ([list, expref]) => {
      const items = list as JSONValue[];
      if (items.length === 0) return items;
      // The first item's key decides the kind every key must be (Python's order: its type checked first).
      const first = interpreter.visit(expref as Node, items[0]!) as JSONValue;
      if (!isOrderable(first)) throw new Error(`Invalid type: sort_by() expected the expression to give (number | string) but it gave type ${jmespathType(first)} instead.`);
      const keyOf = keyFunction('sort_by', expref as Node, [jmespathType(first)]);
      return sortedBy(items, items.map(keyOf));
    },
    byExpression,
    override,
  );
};
