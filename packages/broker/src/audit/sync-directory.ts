// fsyncs a directory so that a file created or renamed in it survives a crash (Linux needs this explicitly).
import { open } from 'node:fs/promises';

export async function syncDirectory(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}
