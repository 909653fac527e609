// Freezes a plain value and everything reachable from it, so a parsed command cannot be altered after the
// decision was made on it (DESIGN §3 step 3: the broker decides on a frozen AwsCommand). Plain data only:
// no cycles.

export const deepFreeze = <T>(value: T): T => {
  if (value !== null && typeof value === 'object') {
    Object.freeze(value);
    for (const key of Reflect.ownKeys(value)) deepFreeze((value as Record<PropertyKey, unknown>)[key]);
  }
  return value;
};
