// Small reads of an executable's start, to recognise what it is (the shim's marker, a shebang, a pyenv shim).
import { accessSync, closeSync, constants, openSync, readSync } from 'node:fs';

/** The first `bytes` of a file as latin1 text (a script's header; binary content stays byte-for-byte). */
export const readFileHead = (path: string, bytes = 4096): string => {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    return buf.subarray(0, readSync(fd, buf, 0, buf.length, 0)).toString('latin1');
  } finally {
    closeSync(fd);
  }
};

export const isExecutable = (path: string): boolean => {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    // Not there, or not executable by us: either way not a program we can run.
    return false;
  }
};
