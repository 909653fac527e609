// Refusals look like AWS's own errors (DESIGN §4), so an agent handles them as it handles AccessDenied.
// The text mirrors the CLI's ClientError rendering for the CLI major version the broker runs.
import type { AwsCommand, ParsedCommand } from '@aws-guard/shared/command/aws-command';

export type CliOutput = Readonly<{ stderr: string; exitCode: number }>;

/** The CLI's exit code for a service error: v1 255, v2 254; the s3 high-level commands exit 1. */
const serviceErrorExit = (cliMajor: number): number => (cliMajor >= 2 ? 254 : 255);

const isS3HighLevel = (cmd: Pick<ParsedCommand, 'service' | 'custom'>): boolean => cmd.service === 's3' && cmd.custom;

export const formatAccessDenied = (input: {
  cmd: Pick<AwsCommand, 'service' | 'operation' | 'apiOperation' | 'custom'> | undefined;
  reason: string;
  rule: string;
  requestId: string;
  cliMajor: number;
}): CliOutput => {
  const { cmd, reason, rule, requestId, cliMajor } = input;
  const operation = cmd?.apiOperation ?? cmd?.operation ?? 'unknown';
  const error = `An error occurred (AccessDenied) when calling the ${operation} operation: denied by aws-guard: ${reason} (rule ${rule}, request ${requestId})`;
  if (cmd !== undefined && isS3HighLevel(cmd)) return { stderr: `fatal error: ${error}\n`, exitCode: 1 };
  return { stderr: `\n${error}\n`, exitCode: serviceErrorExit(cliMajor) };
};
