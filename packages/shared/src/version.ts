// aws-guard's own version (kept equal to the root package.json by a test).
export const AWS_GUARD_VERSION = '0.1.0';
