// Every way an agent can spell a forbidden global option (DESIGN §7.5) on the v1 CLI: each unique prefix, the
// `=` form, in each position (before the service, between service and operation, after the operation, after its
// arguments). Computed from the v1 global option names by plain string rules, independent of the parser.

export const FORBIDDEN_OPTIONS = ['endpoint-url', 'profile', 'debug', 'ca-bundle', 'no-verify-ssl', 'no-sign-request'] as const;

// The v1 main parser's option strings (awscli/data/cli.json + --version), as the CLI registers them.
export const V1_GLOBAL_NAMES = [
  'debug', 'endpoint-url', 'no-verify-ssl', 'no-paginate', 'output', 'query', 'profile', 'region', 'color',
  'no-sign-request', 'ca-bundle', 'cli-read-timeout', 'cli-connect-timeout', 'v2-debug', 'version',
] as const;

const TAKES_VALUE = new Set(['endpoint-url', 'profile', 'ca-bundle']);

/** Prefixes of `name` that no other global option starts with (argparse accepts exactly these). */
export const uniquePrefixes = (name: string): string[] => {
  const out: string[] = [];
  for (let n = 1; n <= name.length; n += 1) {
    const prefix = name.slice(0, n);
    const others = V1_GLOBAL_NAMES.filter((g) => g !== name && g.startsWith(prefix));
    if (others.length === 0) out.push(prefix);
  }
  return out;
};

export type Spelling = Readonly<{ option: string; written: string; argv: readonly string[] }>;

const VALUE = 'http://127.0.0.1:9/x';

export const FORBIDDEN_SPELLINGS: readonly Spelling[] = FORBIDDEN_OPTIONS.flatMap((option) => {
  const forms = uniquePrefixes(option).flatMap((prefix): string[][] => {
    const flag = `--${prefix}`;
    return TAKES_VALUE.has(option) ? [[flag, VALUE], [`${flag}=${VALUE}`]] : [[flag]];
  });
  return forms.flatMap((form) => {
    const written = (form[0] as string).split('=')[0] as string;
    return [
      [...form, 's3api', 'list-buckets'],
      ['s3api', ...form, 'list-buckets'],
      ['s3api', 'list-buckets', ...form],
      ['s3api', 'list-objects-v2', '--bucket', 'b', ...form, '--max-items', '5'],
      ['s3', 'ls', 's3://b/', ...form],
    ].map((argv) => ({ option, written, argv }));
  });
});
