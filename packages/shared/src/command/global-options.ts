// The main parser's table (global options + the `command` positional) for the CLI major version the broker
// runs, and which global options aws-guard refuses however they are spelled (DESIGN §7.5).
import type { ArgSpec } from '../aws-model/model-types.js';
import type { ModelStore } from '../aws-model/model-store.js';
import { readArg } from '../aws-model/read-node.js';
import type { ParserAction } from './argparse-parse.js';
import type { CliMajor } from './cli-usage-error.js';

/** Refused whatever the policy says: each redirects, exposes or swaps the broker's credentials. */
export const FORBIDDEN_GLOBALS: Readonly<Record<string, string>> = Object.freeze({
  'endpoint-url': 'sends signed requests and the session token to a host the agent chooses',
  profile: 'selects a different identity than the one the broker assigns',
  debug: 'prints signed request headers, including the session token, to stderr',
  'ca-bundle': 'trusts a certificate bundle the agent chooses (and names a broker-host path)',
  'no-verify-ssl': 'turns off TLS verification of requests signed with the broker credentials',
  'no-sign-request': 'changes how the broker credentials are used; not needed by agents',
});

// AWS CLI v2's global options (awscli/data/cli.json on the v2 branch, 2.34+), in its order; v2 is not installed
// here to generate them from. `--version` comes last because MainArgParser adds it after cli.json's options.
const V2_GLOBALS: readonly ArgSpec[] = Object.freeze(
  [
    { n: 'debug', a: 't' as const },
    { n: 'endpoint-url' },
    { n: 'no-verify-ssl', a: 'f' as const },
    { n: 'no-paginate', a: 'f' as const },
    { n: 'output', c: ['json', 'text', 'table', 'yaml', 'yaml-stream', 'off'] },
    { n: 'query' },
    { n: 'profile' },
    { n: 'region' },
    { n: 'color', c: ['on', 'off', 'auto'] },
    { n: 'no-sign-request', a: 'f' as const },
    { n: 'ca-bundle' },
    { n: 'cli-read-timeout', t: 'i' as const },
    { n: 'cli-connect-timeout', t: 'i' as const },
    { n: 'cli-binary-format', c: ['base64', 'raw-in-base64-out'] },
    { n: 'no-cli-pager', a: 'f' as const },
    { n: 'cli-auto-prompt', a: 't' as const },
    { n: 'no-cli-auto-prompt', a: 't' as const },
    { n: 'cli-error-format', c: ['legacy', 'json', 'yaml', 'text', 'table', 'enhanced'] },
    { n: 'version', a: 'v' as const },
  ].map(readArg),
);

export const globalArgs = (model: ModelStore, cli: CliMajor): readonly ArgSpec[] =>
  cli === 2 ? V2_GLOBALS : model.globalArgs();

/** A CLI CommandAction positional: `command`, `operation` or `subcommand`, its choices a command table. */
export const commandPositional = (name: string, choices: readonly string[], optional: boolean): ParserAction =>
  Object.freeze({
    name,
    positional: true,
    action: 'command',
    nargs: optional ? '?' : null,
    required: !optional,
    type: null,
    choices,
    const: null,
  });

/** MainArgParser: the global options, then `command` (every top-level command, and `help` last). */
export const mainParserActions = (model: ModelStore, cli: CliMajor): readonly ParserAction[] => [
  ...globalArgs(model, cli),
  commandPositional('command', [...model.commandNames(), 'help'], false),
];
