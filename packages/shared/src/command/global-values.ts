// The checks the CLI makes on global option values right after the main parse and before any command is
// looked at (awscli/customizations/globalargs.py, the `top-level-args-parsed` handlers, in their order).
// `--query` is also compiled there; its JMESPath errors are not reproduced: such a command parses, and the real
// CLI then reports the bad expression itself.
import type { ArgSpec } from '../aws-model/model-types.js';
import type { ParsedValue } from './argparse-parse.js';
import { commandError, type CliMajor, type ParseIssue } from './cli-usage-error.js';
import { isPyInt, pyRepr } from './python-text.js';

const SCHEME_CHARS = /^[A-Za-z0-9+\-.]+$/;
// urllib.parse strips these from both ends first (WHATWG C0 control or space), and drops tab/CR/LF anywhere.
const C0_OR_SPACE = /^[\x00-\x20]+|[\x00-\x20]+$/g;

/** Python urllib.parse.urlparse(value).scheme is non-empty. */
const hasScheme = (value: string): boolean => {
  const url = value.replace(C0_OR_SPACE, '').replace(/[\t\r\n]/g, '');
  const colon = url.indexOf(':');
  return colon > 0 && /^[A-Za-z]/.test(url) && SCHEME_CHARS.test(url.slice(0, colon));
};

const valueOf = (values: ReadonlyMap<ArgSpec, ParsedValue>, name: string): string | undefined => {
  for (const [arg, value] of values) if (arg.name === name && typeof value === 'string') return value;
  return undefined;
};

export const checkGlobalValues = (values: ReadonlyMap<ArgSpec, ParsedValue>, cli: CliMajor): ParseIssue | null => {
  const endpoint = valueOf(values, 'endpoint-url');
  if (endpoint !== undefined && !hasScheme(endpoint))
    return commandError(
      `Bad value for --endpoint-url "${endpoint}": scheme is missing.  Must be of the form http://<hostname>/ or https://<hostname>/`,
      cli,
    );
  for (const name of ['cli-read-timeout', 'cli-connect-timeout']) {
    const timeout = valueOf(values, name);
    if (timeout !== undefined && !isPyInt(timeout)) return commandError(`invalid literal for int() with base 10: ${pyRepr(timeout)}`, cli);
  }
  return null;
};
