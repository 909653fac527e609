// The CLI's environment: an allowlist, never the broker's own env and never anything the agent chose
// beyond the forwarded region/output/terminal width (DESIGN §5 "Execution sandbox").
import type { ForwardedEnv } from '@aws-guard/shared/protocol/messages';

export type AwsCredentials = Readonly<{ accessKeyId: string; secretAccessKey: string; sessionToken?: string | undefined }>;

export type SandboxPaths = Readonly<{ root: string; home: string; work: string; files: string; configFile: string; credentialsFile: string; tmp: string }>;

const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;
const OUTPUTS = new Set(['json', 'text', 'table', 'yaml', 'yaml-stream']);

/** The broker-owned CLI config: no URL fetching (v1 SSRF), no history, no plugins, no aliases. */
export const sandboxConfigText = (region: string | undefined): string =>
  ['[default]', ...(region === undefined ? [] : [`region = ${region}`]), 'cli_follow_urlparam = false', 'cli_history = disabled', ''].join('\n');

export const sandboxEnv = (input: {
  paths: SandboxPaths;
  credentials: AwsCredentials;
  forwarded: ForwardedEnv;
  columns: number | undefined;
}): Record<string, string> => {
  const { paths, credentials, forwarded, columns } = input;
  const env: Record<string, string> = {
    PATH: '/usr/local/bin:/usr/bin:/bin',
    HOME: paths.home,
    TMPDIR: paths.tmp,
    LANG: 'C.UTF-8',
    PYTHONNOUSERSITE: '1',
    PYTHONDONTWRITEBYTECODE: '1',
    AWS_CONFIG_FILE: paths.configFile,
    AWS_SHARED_CREDENTIALS_FILE: paths.credentialsFile,
    AWS_PAGER: '',
    AWS_CLI_AUTO_PROMPT: 'off',
    // Credentials reach the CLI only through these variables; it must not look anywhere else.
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
  };
  if (credentials.sessionToken !== undefined) env['AWS_SESSION_TOKEN'] = credentials.sessionToken;
  // Only well-formed values pass: anything else is dropped and the CLI falls back to the broker's region.
  if (forwarded.AWS_REGION !== undefined && REGION.test(forwarded.AWS_REGION)) env['AWS_REGION'] = forwarded.AWS_REGION;
  if (forwarded.AWS_DEFAULT_REGION !== undefined && REGION.test(forwarded.AWS_DEFAULT_REGION)) env['AWS_DEFAULT_REGION'] = forwarded.AWS_DEFAULT_REGION;
  if (forwarded.AWS_DEFAULT_OUTPUT !== undefined && OUTPUTS.has(forwarded.AWS_DEFAULT_OUTPUT)) env['AWS_DEFAULT_OUTPUT'] = forwarded.AWS_DEFAULT_OUTPUT;
  // A Python codec name, nothing else: the CLI decodes file:// text with it as the agent's own CLI would.
  if (forwarded.AWS_CLI_FILE_ENCODING !== undefined && /^[A-Za-z0-9._-]{1,40}$/u.test(forwarded.AWS_CLI_FILE_ENCODING)) env['AWS_CLI_FILE_ENCODING'] = forwarded.AWS_CLI_FILE_ENCODING;
  if (columns !== undefined) env['COLUMNS'] = String(columns);
  return env;
};
