// The broker's own JMESPath interpreter: one instance of the library's, its ordering comparators and some functions
// made to behave as the CLI's Python jmespath 1.1 does (docs/output-rendering.md, "Where the library is overridden").
import { TreeInterpreter } from '@jmespath-community/jmespath';
import { isOrderable, pyOrder, type Ordering } from './py-order.js';
import { usePythonFunctions } from './query-functions.js';

type Interpreter = typeof TreeInterpreter;
type Node = Parameters<Interpreter['visit']>[0];

const ORDERING: Readonly<Record<string, Ordering>> = { LT: '<', LTE: '<=', GT: '>', GTE: '>=' };

/**
 * A fresh instance (the library exports only its shared one, whose class is its constructor), so the overrides
 * change nothing for any other user of the library in the process. Its runtime evaluates `&expr` arguments
 * through this instance's `visit` too.
 */
const makeInterpreter = (): Interpreter => {
  const interpreter = new (TreeInterpreter.constructor as new () => Interpreter)();
  const visit = interpreter.visit;
  // Python orders strings (by code point) as well as numbers, and an int against a str is its TypeError; the
  // library gives null for anything but two numbers. Every other node, and every depth (the library recurses
  // through this.visit), goes to the library. Let expressions would escape (withScope makes a plain instance):
  // the CLI's jmespath has none, so compileQuery leaves them to the CLI.
  interpreter.visit = function (this: Interpreter, node: Node, value) {
    const op = node.type === 'Comparator' ? ORDERING[node.name] : undefined;
    if (op === undefined || node.type !== 'Comparator') return visit.call(this, node, value);
    const left = this.visit(node.left, value);
    const right = this.visit(node.right, value);
    return isOrderable(left) && isOrderable(right) ? pyOrder(op, left, right) : null;
  };
  usePythonFunctions(interpreter);
  return interpreter;
};

export const queryInterpreter: Interpreter = makeInterpreter();
