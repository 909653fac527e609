// A broker's lasting name on the shared Redis audit chain: <data dir>/broker-id, created on its first start. Every
// stream entry it appends carries it (field `b`), so that after a crash it can find its own unfinished commands
// among those of the brokers still running. Copy keys/ between brokers, never this file.
import { randomUUID } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const BROKER_ID_FILE = 'broker-id';

/** `fresh`: created just now, so this broker has appended nothing yet and has nothing to recover. */
export type BrokerId = Readonly<{ id: string; fresh: boolean }>;

export async function loadOrCreateBrokerId(dataDir: string): Promise<BrokerId> {
  const path = join(dataDir, BROKER_ID_FILE);
  try {
    const id = (await readFile(path, 'utf8')).trim();
    if (!/^[0-9a-f-]{36}$/.test(id)) throw new Error(`${path} does not hold a broker id: remove it to get a new one`);
    return { id, fresh: false };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  const id = randomUUID();
  try {
    await writeFile(path, `${id}\n`, { mode: 0o600, flag: 'wx' });
  } catch (e) {
    // Two starts at once on one data dir: the other one's id stands.
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return loadOrCreateBrokerId(dataDir);
    throw e;
  }
  return { id, fresh: true };
}
