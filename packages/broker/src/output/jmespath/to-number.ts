// jmespath's to_number() as Python runs it: int(s), else float(s), else None, with Python's syntax for both
// (surrounding whitespace, `_` between digits, `inf`/`nan`), so `to_number('1.0')` is the float 1.0.
import { pyNumber, makeNumber } from '../py-number.js';
import { pyStrip } from '../py-text.js';
import { runtimeError } from './jmespath-error.js';
import { isActualNumber, isExpRef, type JmesValue } from './py-semantics.js';

const DIGITS = '\\d(?:_?\\d)*';
const PY_INT = new RegExp(`^[+-]?${DIGITS}$`);
const PY_FLOAT = new RegExp(`^[+-]?(?:(?:${DIGITS})?\\.${DIGITS}|${DIGITS}\\.?)(?:[eE][+-]?${DIGITS})?$`);
const PY_SPECIAL = /^([+-]?)(inf|infinity|nan)$/i;

export const toNumber = (arg: JmesValue): JmesValue => {
  if (isActualNumber(arg)) return arg;
  if (isExpRef(arg)) throw runtimeError("int() argument must be a string, a bytes-like object or a real number, not '_Expression'");
  if (typeof arg !== 'string') return null; // lists, objects, booleans and null
  const text = pyStrip(arg);
  if (PY_INT.test(text)) {
    const digits = text.replaceAll('_', '').replace(/^\+/, '');
    const value = Number(digits);
    if (Number.isSafeInteger(value)) return makeNumber(value, false);
    return pyNumber(value, false, BigInt(digits).toString());
  }
  if (PY_FLOAT.test(text)) return makeNumber(Number(text.replaceAll('_', '')), true);
  const special = PY_SPECIAL.exec(text);
  if (special === null) return null;
  if (special[2]!.toLowerCase() === 'nan') return NaN;
  return special[1] === '-' ? -Infinity : Infinity;
};
