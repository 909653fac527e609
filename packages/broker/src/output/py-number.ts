// Numbers as the CLI's Python holds them. A JS number cannot say whether Python had `1` or `1.0`, nor hold an int
// beyond 2^53, so exactly those numbers are boxed (a PyNumber); every other number stays a plain JS number.

/** Set only while stringifyMarked runs (synchronously): boxes then stand as marker strings. */
let marking = false;

const PY_NUMBER_PROTO = Object.freeze({
  /** `JSON.stringify` and other plain-JSON consumers see the number itself. */
  toJSON(this: PyNumber): number | string {
    return marking ? `\u0000${formatJsonNumber(this)}\u0001` : this.value;
  },
});

/**
 * JSON.stringify with each boxed number written as the string `"\u0000<Python's text>\u0001"`, for the caller to
 * unquote: the fast path of render-json.ts, taken only when no string holds U+0000 or ends with U+0001.
 */
export const stringifyMarked = (value: unknown, indent: number): string => {
  marking = true;
  try {
    return JSON.stringify(value, null, indent);
  } finally {
    marking = false;
  }
};

export type PyNumber = Readonly<{
  value: number;
  /** A Python float (`1.0`); otherwise a Python int. */
  float: boolean;
  /** The exact decimal digits of an int that a double cannot hold (`12345678901234567890`). */
  digits?: string;
  /** `JSON.stringify` writes the plain number (also keeps this type apart from a JSON object's). */
  toJSON(): number | string;
}>;

/** Boxed because plain JS would lose what Python has: integral floats and ints beyond 2^53. */
export const pyNumber = (value: number, float: boolean, digits?: string): PyNumber =>
  Object.freeze(Object.assign(Object.create(PY_NUMBER_PROTO) as object, digits === undefined ? { value, float } : { value, float, digits })) as PyNumber;

export const isPyNumber = (v: unknown): v is PyNumber => typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === PY_NUMBER_PROTO;

/**
 * A number of the given Python kind, boxed only when a plain JS number would be read back as the other kind:
 * a plain integral number is an int, a plain non-integral (or non-finite) number is a float.
 */
export const makeNumber = (value: number, float: boolean): number | PyNumber => {
  if (float) return Number.isInteger(value) ? pyNumber(value, true) : value;
  if (Number.isSafeInteger(value)) return value === 0 ? 0 : value; // Python has no int -0
  return pyNumber(value, false, Number.isFinite(value) ? BigInt(value).toString() : undefined);
};

export const numberValue = (v: number | PyNumber): number => (typeof v === 'number' ? v : v.value);

export const isPyFloat = (v: number | PyNumber): boolean => (typeof v === 'number' ? !Number.isInteger(v) : v.float);

/**
 * `repr(float)`: the shortest digits that round-trip (the same digits JS picks), laid out as Python does:
 * exponent form when the decimal point would sit more than 16 places right or 4 places left of the digits.
 */
export const formatPyFloat = (x: number): string => {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  if (Number.isInteger(x) && Math.abs(x) < 1e16) return `${x}.0`; // the common case: a timestamp
  const sign = x < 0 ? '-' : '';
  const [mantissa = '', exp = '0'] = Math.abs(x).toExponential().split('e');
  const digits = mantissa.replace('.', '');
  const point = Number(exp) + 1; // digits[0..point) is the integer part
  if (point <= -4 || point > 16) {
    const e = point - 1;
    const rest = digits.length > 1 ? `.${digits.slice(1)}` : '';
    return `${sign}${digits[0]}${rest}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  }
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return `${sign}${digits}${'0'.repeat(point - digits.length)}.0`;
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
};

/** `repr()`/`str()` of a Python number (they agree for int and float). */
export const formatPyNumber = (v: number | PyNumber): string => {
  if (typeof v !== 'number') return v.float ? formatPyFloat(v.value) : (v.digits ?? formatPyInt(v.value));
  return Number.isInteger(v) ? formatPyInt(v) : formatPyFloat(v);
};

const formatPyInt = (n: number): string => (Number.isSafeInteger(n) ? String(n === 0 ? 0 : n) : BigInt(n).toString());

/** How `json.dumps` writes a number: like repr, but non-finite floats as JavaScript-style literals. */
export const formatJsonNumber = (v: number | PyNumber): string => {
  const x = numberValue(v);
  if (Number.isFinite(x)) return formatPyNumber(v);
  return Number.isNaN(x) ? 'NaN' : x > 0 ? 'Infinity' : '-Infinity';
};
