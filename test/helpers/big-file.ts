// Large files for the transfer tests without holding them in memory: written in 1 MiB chunks of random
// bytes, hashed by streaming.
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createHash, randomBytes } from 'node:crypto';

const CHUNK = 1024 * 1024;

/** Writes `bytes` random bytes to `path`; resolves with their SHA-256 (hex). */
export const writeBigFile = async (path: string, bytes: number): Promise<string> => {
  const hash = createHash('sha256');
  const handle = await open(path, 'wx');
  try {
    for (let left = bytes; left > 0; left -= CHUNK) {
      const chunk = randomBytes(Math.min(CHUNK, left));
      hash.update(chunk);
      await handle.write(chunk);
    }
  } finally {
    await handle.close();
  }
  return hash.digest('hex');
};

export const sha256File = async (path: string): Promise<string> => {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: CHUNK })) hash.update(chunk as Buffer);
  return hash.digest('hex');
};
