// The stderr text and exit code the real CLI produces for each kind of command-line error, so the broker can
// answer a refused parse exactly as `aws` would. v1 text is checked against the real CLI (parse-oracle test);
// v2 follows the v2 sources (argparser.py raises usage + message, exit 252) and is not byte-checked here.
import type { Issue } from '../result.js';

export const PARSE_ERROR_CODES = [
  'PARSE_MISSING_COMMAND',
  'PARSE_UNKNOWN_SERVICE',
  'PARSE_UNKNOWN_OPERATION',
  'PARSE_AMBIGUOUS_OPTION',
  'PARSE_UNKNOWN_OPTION',
  'PARSE_MISSING_VALUE',
  'PARSE_MISSING_ARGUMENT',
  'PARSE_INVALID_VALUE',
  'PARSE_MISSING_SUBCOMMAND',
  'PARSE_INVALID_ARGUMENT',
  'PARSE_PREVIEW_SERVICE',
] as const;
export type ParseErrorCode = (typeof PARSE_ERROR_CODES)[number];

export type CliMajor = 1 | 2;

/** A refused parse: a stable code, argparse's own message, and what the CLI prints and exits with. */
export type ParseIssue = Issue<ParseErrorCode> & Readonly<{ exitCode: number; stderr: string }>;

const V1_NOTE =
  'Note: AWS CLI version 2, the latest major version of the AWS CLI, is now stable and recommended for general use. ' +
  'For more information, see the AWS CLI version 2 installation instructions at: ' +
  'https://docs.aws.amazon.com/cli/latest/userguide/install-cliv2.html';
const HELP_BLURB = 'To see help text, you can run:\n\n  aws help\n  aws <command> help\n  aws <command> <subcommand> help\n';
const SYNOPSIS = 'usage: aws [options] <command> <subcommand> [<subcommand> ...] [parameters]\n';
// awscli/argparser.py USAGE: v1 starts with "\r" and the v2 note (the \r hides "usage: " on a terminal).
const V1_USAGE = `\r${V1_NOTE}\n\n${SYNOPSIS}${HELP_BLURB}`;

const CODE_BY_MESSAGE: readonly (readonly [RegExp, ParseErrorCode])[] = [
  [/^the following arguments are required: command$/, 'PARSE_MISSING_COMMAND'],
  [/^argument command: Invalid choice/, 'PARSE_UNKNOWN_SERVICE'],
  [/^argument (operation|subcommand): Invalid choice/, 'PARSE_UNKNOWN_OPERATION'],
  [/^ambiguous option:/, 'PARSE_AMBIGUOUS_OPTION'],
  [/^argument [^:]+: expected (one|at least one|\d+) argument/, 'PARSE_MISSING_VALUE'],
  [/^the following arguments are required:/, 'PARSE_MISSING_ARGUMENT'],
  [/^argument [^:]+: (Invalid choice|invalid (int|float) value|ignored explicit argument)/, 'PARSE_INVALID_VALUE'],
];

const issue = (code: ParseErrorCode, message: string, exitCode: number, stderr: string): ParseIssue =>
  Object.freeze({ code, message, exitCode, stderr });

/** An argparse `parser.error()`: usage block, then `aws: error: <message>` (v1 exit 2, v2 252). */
export const argparseError = (message: string, cli: CliMajor): ParseIssue => {
  const code = CODE_BY_MESSAGE.find(([re]) => re.test(message))?.[1] ?? 'PARSE_INVALID_ARGUMENT';
  return cli === 1
    ? issue(code, message, 2, `usage: ${V1_USAGE}aws: error: ${message}\n`)
    : issue(code, message, 252, `${SYNOPSIS}${HELP_BLURB}\naws: error: ${message}\n`);
};

/** Leftover tokens after an API operation's parser (ServiceOperation: UnknownArgumentError, v1 exit 255). */
export const unknownOptionsError = (extras: readonly string[], cli: CliMajor): ParseIssue => {
  const message = `Unknown options: ${extras.join(', ')}`;
  return cli === 1
    ? issue('PARSE_UNKNOWN_OPTION', message, 255, `usage: ${V1_USAGE}\n${message}\n`)
    : issue('PARSE_UNKNOWN_OPTION', message, 252, `${SYNOPSIS}${HELP_BLURB}\n${message}\n`);
};

/** Leftover tokens after a custom command's parser (BasicCommand raises ValueError; no usage block, `,` joins). */
export const customUnknownOptionsError = (extras: readonly string[], cli: CliMajor): ParseIssue => {
  const message = `Unknown options: ${extras.join(',')}`;
  return issue('PARSE_UNKNOWN_OPTION', message, cli === 1 ? 255 : 252, `\n${message}\n`);
};

/** A container command (`s3`, `ec2 wait`, `history`) run without its subcommand. */
export const missingSubcommandError = (usageLine: string, cli: CliMajor): ParseIssue => {
  const message = `${usageLine}\naws: error: too few arguments`;
  return issue('PARSE_MISSING_SUBCOMMAND', message, cli === 1 ? 255 : 252, `\n${message}\n`);
};

/** A command line the CLI parses but then rejects before any call (e.g. `s3 sync -`). */
export const commandError = (message: string, cli: CliMajor): ParseIssue =>
  issue('PARSE_INVALID_ARGUMENT', message, cli === 1 ? 255 : 252, `\n${message}\n`);

/** A preview service the CLI's config has not enabled (awscli/customizations/preview.py), exit 1. */
export const previewServiceError = (service: string): ParseIssue =>
  issue(
    'PARSE_PREVIEW_SERVICE',
    `aws ${service} is a preview service, not enabled in the CLI's configuration`,
    1,
    'AWS CLI support for this service is only available in a preview stage.\n\n' +
      `However, if you'd like to use the "aws ${service}" commands with the\nAWS CLI, you can enable this service by adding the following to your CLI\nconfig file:\n\n` +
      `    [preview]\n    ${service}=true\n\nor by running:\n\n    aws configure set preview.${service} true\n\n`,
  );
