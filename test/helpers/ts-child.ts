// How a test runs one of its TypeScript fixtures as a child node process: with the loader tap runs the tests under.

/** node's arguments that load TypeScript as tap does for the tests (.taprc's node-arg: tsx, docs/testing.md). */
export const TS_LOADER_ARGS: readonly string[] = ['--import=tsx'];
