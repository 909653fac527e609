// A file or directory the process needed but could not use (a wrong --data-dir, a permission, a file where a
// directory must be), told as one line that says what to check: never the errno dump of a stack trace.
const REASONS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied: run as a user that may use it (the broker\'s user), or choose another path',
  EPERM: 'operation not permitted: run as a user that may use it, or choose another path',
  ENOTDIR: 'a part of the path is a file, not a directory: check the path (--data-dir?)',
  EISDIR: 'it is a directory, not a file: check the path',
  EEXIST: 'it exists and is not a directory: check the path (--data-dir?)',
  EROFS: 'the file system is read-only: choose a writable path',
  ENOSPC: 'no space left on the device',
  ELOOP: 'too many symbolic links',
  ENAMETOOLONG: 'the path is too long',
};

const VERBS: Readonly<Record<string, string>> = { mkdir: 'create', open: 'open', read: 'read', write: 'write', rename: 'rename', unlink: 'remove', scandir: 'list', stat: 'look at', lstat: 'look at', access: 'use', chmod: 'change the mode of', copyfile: 'copy' };

/** Why a file-system call failed, in words and with what to check (`no such file or directory`), else its code. */
export const fileProblemReason = (e: unknown): string => {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  return (code === undefined ? undefined : REASONS[code]) ?? code ?? String(e);
};

/** `cannot open /d/keys/x: permission denied: …` for a Node file-system error naming a path; else undefined. */
export const describeFileProblem = (e: unknown): string | undefined => {
  if (!(e instanceof Error)) return undefined;
  const { code, path, syscall } = e as NodeJS.ErrnoException;
  const reason = code === undefined ? undefined : REASONS[code];
  if (reason === undefined || typeof path !== 'string') return undefined;
  return `cannot ${VERBS[syscall ?? ''] ?? 'use'} ${path}: ${reason}`;
};
