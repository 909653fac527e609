// Which local file references the broker can honour today. Until files travel between agent and broker
// (the sandbox/file-transfer issue), only stdin/stdout (`-`) and an outfile named by a plain relative path
// inside the sandbox are accepted; everything else is refused before it could touch a broker-host path.
import type { AwsCommand, LocalFileRef } from '@aws-guard/shared/command/aws-command';

export type FileRefusal = Readonly<{ code: 'FILE_TRANSFER_UNSUPPORTED' | 'FILE_PATH_UNSAFE'; reason: string }>;

/** A relative path that stays inside the sandbox whatever the CLI expands: no `..`, `~`, `$`, no leading `/` or `-`. */
const SAFE_RELATIVE = /^(?!-)(?!.*(?:^|\/)\.\.(?:\/|$))[A-Za-z0-9._+@=,:/ -]+$/;

export const isSafeSandboxPath = (path: string): boolean => SAFE_RELATIVE.test(path) && !path.startsWith('/');

const refuse = (ref: LocalFileRef): FileRefusal | undefined => {
  if (ref.form === 'stdio') return undefined;
  if (ref.form === 'outfile' && isSafeSandboxPath(ref.path)) return undefined;
  if (ref.form === 'outfile' || ref.form === 'plain' || ref.form === 's3-local')
    return isSafeSandboxPath(ref.path)
      ? { code: 'FILE_TRANSFER_UNSUPPORTED', reason: `${ref.arg} ${ref.path}: local files do not travel to the broker yet` }
      : { code: 'FILE_PATH_UNSAFE', reason: `${ref.arg} ${ref.path}: the path would reach outside the command's sandbox on the broker` };
  return { code: 'FILE_TRANSFER_UNSUPPORTED', reason: `${ref.arg} ${ref.form}://${ref.path}: local file arguments (file://, fileb://) do not travel to the broker yet` };
};

export const checkLocalFiles = (cmd: AwsCommand): FileRefusal | undefined => {
  for (const ref of cmd.localFiles) {
    const refusal = refuse(ref);
    if (refusal !== undefined) return refusal;
  }
  return undefined;
};

/** Outfiles the CLI may write into the sandbox: they cannot be returned yet, so the agent is told. */
export const sandboxOutfiles = (cmd: AwsCommand): readonly string[] =>
  cmd.localFiles.filter((r) => r.form === 'outfile' && r.direction === 'out').map((r) => r.path);
